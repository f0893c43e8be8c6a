package dev.telltale.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data folder is owner-only: the folder 700, the files in it (the embedded database, the key
 * set) 600, where the file system has POSIX permissions. The database and uploads hold findings and
 * corpora an investigation must keep from other users of the machine.
 */
final class DataFolder {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DataFolder() {}

  /** Creates the data folder owner-only, or makes an existing one so, with its files. */
  static void secure(Path dir) throws IOException {
    ScanFiles.createOwnerOnly(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && POSIX) {
          Files.setPosixFilePermissions(f, ScanFiles.FILE_600);
        }
      }
    }
  }

  /** Makes {@code dir} 700. */
  static void ownerOnly(Path dir) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
