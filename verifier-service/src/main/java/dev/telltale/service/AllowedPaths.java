package dev.telltale.service;

import dev.telltale.evidence.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Server-side corpus files a scan may read: only regular files inside the folders of {@code
 * scans.allowed_paths}, checked on real paths so that neither {@code ..} nor a symbolic link leads
 * out.
 */
final class AllowedPaths {
  private AllowedPaths() {}

  /**
   * The real path of {@code requested} if it is a regular file inside an allowed folder (symbolic
   * links resolved first, so neither {@code ..} nor a link leads out); a problem otherwise.
   */
  static Path resolve(List<Path> roots, String requested) {
    if (roots.isEmpty()) {
      throw new ProblemException(
          403,
          "paths-not-allowed",
          "Forbidden",
          "this service reads no server-side paths (scans.allowed_paths is empty); upload the"
              + " corpus instead");
    }
    Path lexical;
    try {
      Path p = Path.of(requested);
      if (!p.isAbsolute()) {
        throw ProblemException.badRequest("bad-path", "path must be absolute");
      }
      lexical = p.normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw ProblemException.badRequest("bad-path", "path is not a valid path");
    }
    // Outside every allowed folder the answer is the same whether the file exists or not: the
    // check is on the path as written first, before the file system is asked anything.
    boolean inside = false;
    for (Path root : roots) {
      inside |= lexical.startsWith(root) || lexical.startsWith(realOrSelf(root));
    }
    if (!inside) {
      throw outside();
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (IOException e) {
      throw ProblemException.badRequest("bad-path", "no such file");
    }
    for (Path root : roots) {
      Path r;
      try {
        r = root.toRealPath();
      } catch (IOException e) {
        continue;
      }
      if (real.startsWith(r)) {
        if (!Files.isRegularFile(real)) {
          throw ProblemException.badRequest("bad-path", "path must name a regular file");
        }
        return real;
      }
    }
    throw outside();
  }

  private static Path realOrSelf(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root;
    }
  }

  private static ProblemException outside() {
    return new ProblemException(
        403, "path-not-allowed", "Forbidden", "path is outside the folders scans may read");
  }

  /** SHA-256 of the file, lowercase hex: the same digest an evidence subject records. */
  static String sha256(Path file) throws IOException {
    return Subject.sha256Hex(file);
  }
}
