package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class DiskFullTest {

  @Test
  void recognisesAFullDiskHoweverDeepItIsWrapped() {
    assertTrue(DiskFull.causedBy(new IOException("No space left on device")));
    assertTrue(
        DiskFull.causedBy(new FileSystemException("/w/a.txt", null, "No space left on device")));
    assertTrue(
        DiskFull.causedBy(
            new ExecutionException(
                new UncheckedIOException(new IOException("Disk quota exceeded")))));
  }

  @Test
  void otherFailuresAreNotADiskFull() {
    assertFalse(DiskFull.causedBy(new IOException("Permission denied")));
    assertFalse(DiskFull.causedBy(new IllegalStateException("No space left on device")));
    assertFalse(DiskFull.causedBy(null));
  }
}
