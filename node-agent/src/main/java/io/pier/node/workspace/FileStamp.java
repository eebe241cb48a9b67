package io.pier.node.workspace;

import io.pier.node.workspace.linux.Syscalls.Stat;

/** Size and modification time of one file: a change in either means the file changed. */
public record FileStamp(long size, long modifiedMillis) {
  static FileStamp of(Stat stat) {
    return new FileStamp(stat.size(), stat.modifiedMillis());
  }
}
