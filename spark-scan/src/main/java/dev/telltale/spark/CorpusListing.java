package dev.telltale.spark;

import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.DocumentSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The corpus files in the single-machine scan's order, listed on the driver: local paths exactly as
 * {@link DocumentSource#files} lists them (so document ids are the same), URIs with a scheme
 * ({@code hdfs://}, {@code s3a://}, {@code file:}) through Hadoop's file systems, folders walked in
 * sorted path order without hidden files.
 */
final class CorpusListing {
  private CorpusListing() {}

  static boolean hasScheme(String name) {
    int colon = name.indexOf(':');
    // A one-letter "scheme" would be a Windows drive letter.
    return colon > 1 && name.indexOf('/') > colon;
  }

  static List<String> list(List<String> roots, Configuration conf) {
    if (roots.isEmpty()) {
      throw new CorpusInputException("no corpus files or folders given");
    }
    List<String> out = new ArrayList<>();
    for (String root : roots) {
      if (!hasScheme(root)) {
        for (Path p : DocumentSource.listFiles(List.of(Path.of(root)))) {
          out.add(p.toString());
        }
        continue;
      }
      try {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        if (st.isFile()) {
          out.add(st.getPath().toString());
          continue;
        }
        List<String> found = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          if (!f.getPath().getName().startsWith(".")) {
            found.add(f.getPath().toString());
          }
        }
        found.sort(null);
        out.addAll(found);
      } catch (FileNotFoundException e) {
        throw new CorpusInputException("no such file or folder: " + root, e);
      } catch (IOException e) {
        throw new CorpusInputException("cannot list " + root + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
