package dev.telltale.cli;

import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.log.FileLogStore;
import dev.telltale.evidence.log.LogCorruptedException;
import dev.telltale.evidence.log.MerkleLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading envelope, proof and log files for the evidence and log commands. */
final class EvidenceFiles {
  private EvidenceFiles() {}

  static byte[] read(Path path, String what) {
    return BoundedFile.read(path, EnvelopeReader.MAX_BYTES, what);
  }

  static void write(Path path, byte[] bytes, String what) {
    try {
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new BadInputException("cannot write " + what + " '" + path + "': " + e.getMessage(), e);
    }
  }

  static void requireLog(Path dir) {
    if (!Files.isRegularFile(dir.resolve(FileLogStore.ENTRIES))) {
      throw new BadInputException(
          "'" + dir + "' holds no telltale log (" + FileLogStore.ENTRIES + ")");
    }
  }

  /** Opens the log in {@code dir}; unless {@code create}, the log must already exist. */
  static MerkleLog openLog(Path dir, boolean create) {
    if (!create) {
      requireLog(dir);
    }
    try {
      return MerkleLog.over(FileLogStore.open(dir));
    } catch (LogCorruptedException e) {
      throw new BadInputException("the log is damaged: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BadInputException("cannot open log '" + dir + "': " + e.getMessage(), e);
    }
  }
}
