package dev.telltale.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The jars an executor needs beyond a Spark installation: spark-scan's own and core's with its
 * small dependencies, found by where their classes were loaded from (jars only: a class folder in a
 * development build is not shipped).
 */
final class AppJars {
  /** A class of each jar to ship (the jars the README's spark-submit recipe passes). */
  static final String[] MARKERS = {
    "dev.telltale.spark.SparkScanMain",
    "dev.telltale.forensics.scan.DocumentScorer",
    "com.knuddels.jtokkit.Encodings",
    "org.bouncycastle.crypto.Digest",
    "org.hipparchus.util.FastMath",
    "org.hipparchus.stat.descriptive.StreamingStatistics",
    "com.fasterxml.jackson.dataformat.cbor.CBORFactory",
    "org.apache.commons.codec.binary.Hex",
  };

  private AppJars() {}

  /** Comma-separated jar paths (Spark's {@code spark.jars} form). */
  static String list() {
    Set<String> jars = new LinkedHashSet<>();
    for (String c : MARKERS) {
      try {
        Class<?> k = Class.forName(c, false, AppJars.class.getClassLoader());
        var src = k.getProtectionDomain().getCodeSource();
        if (src == null) {
          continue;
        }
        File f = new File(src.getLocation().toURI());
        if (f.isFile() && f.getName().endsWith(".jar")) {
          jars.add(f.getAbsolutePath());
        }
      } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
        // Not on this class path: the cluster must provide it.
      }
    }
    return String.join(",", jars);
  }
}
