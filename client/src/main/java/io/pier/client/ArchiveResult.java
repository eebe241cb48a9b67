package io.pier.client;

/** What an uploaded archive put into the repl, as Pier counted it. */
public record ArchiveResult(long files, long folders, long bytes) {}
