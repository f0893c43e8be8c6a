package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subject digests: SHA-256 of the bytes, in memory or streamed from a file, lowercase hex. */
class SubjectTest {
  @TempDir Path dir;

  @Test
  void digestsMatchTheFips180Vectors() throws Exception {
    String[][] vectors = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      },
    };
    for (String[] v : vectors) {
      byte[] bytes = v[0].getBytes(StandardCharsets.US_ASCII);
      assertEquals(new Subject("m", v[1]), Subject.of("m", bytes));
      Path f = Files.write(dir.resolve("v" + v[0].length()), bytes);
      assertEquals(new Subject(f.toString(), v[1]), Subject.ofFile(f));
    }
    // one million 'a': streamed through many buffers
    byte[] million = new byte[1_000_000];
    Arrays.fill(million, (byte) 'a');
    Path big = Files.write(dir.resolve("million"), million);
    String expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    assertEquals(expected, Subject.sha256Hex(big));
    assertEquals(expected, Subject.of("m", million).sha256());
  }

  @Test
  void malformedSubjectsAreRefused() {
    String ok = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assertThrows(IllegalArgumentException.class, () -> new Subject("", ok));
    assertThrows(IllegalArgumentException.class, () -> new Subject("a", ok.toUpperCase()));
    assertThrows(IllegalArgumentException.class, () -> new Subject("a", ok.substring(1)));
  }
}
