package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeCommandTest {
  @TempDir Path dir;
  Path keys;

  @BeforeEach
  void createKeys() {
    keys = dir.resolve("keys.json");
    CliRun r =
        CliRun.run(
            "keys", "create", "--out", keys.toString(), "--id", "acct", "--payload-bits", "24");
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    CliRun list = CliRun.run("keys", "list", "--keys", keys.toString());
    assertTrue(list.out().contains("payload=24/8 payload-delta=4.0"), list.out());
  }

  private Path generate(Path folder, String name, String... extra) throws Exception {
    String[] args = new String[6 + extra.length];
    System.arraycopy(
        new String[] {"generate", "--keys", keys.toString(), "--tokens", "800", "--seed"},
        0,
        args,
        0,
        6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    CliRun gen = CliRun.run(args);
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    Files.createDirectories(folder);
    Path p = folder.resolve(name);
    Files.writeString(p, gen.out());
    return p;
  }

  @Test
  void generatedTextIsAttributedToItsAccountAndPlainTextIsNot() throws Exception {
    Path marked = generate(dir, "marked.txt", "7", "--account", "4242");
    CliRun r = CliRun.run("attribute", "--keys", keys.toString(), "--json", marked.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err() + r.out());
    JsonNode d = new ObjectMapper().readTree(r.out()).get("documents").get(0);
    assertEquals("attributed", d.get("outcome").asText());
    assertEquals(4242, d.get("account").asLong());
    assertTrue(d.get("log10_corrected_p_value").asDouble() <= -3, d.toString());
    assertTrue(d.get("log10_zero_bit_p_value").asDouble() <= -6, d.toString());
    assertEquals(4242, d.get("candidates").get(0).get("account").asLong());

    CliRun human = CliRun.run("attribute", "--keys", keys.toString(), marked.toString());
    assertEquals(ExitCode.OK, human.exitCode());
    assertTrue(human.out().contains("account    4242"), human.out());

    CliRun plain = CliRun.run("generate", "--plain", "--tokens", "800", "--seed", "7");
    Path p = dir.resolve("plain.txt");
    Files.writeString(p, plain.out());
    CliRun rp = CliRun.run("attribute", "--keys", keys.toString(), "--json", p.toString());
    assertEquals(ExitCode.NOT_DETECTED, rp.exitCode(), rp.err());
    JsonNode dp = new ObjectMapper().readTree(rp.out()).get("documents").get(0);
    assertEquals("not_watermarked", dp.get("outcome").asText());
    assertTrue(dp.get("account").isNull());
    assertEquals(0, dp.get("candidates").size());
  }

  @Test
  void aFolderNamesEveryAccountInIt() throws Exception {
    Path folder = dir.resolve("corpus");
    generate(folder, "a1.txt", "1", "--account", "17");
    generate(folder, "a2.txt", "2", "--account", "17");
    generate(folder, "b1.txt", "3", "--account", "9000000");
    Files.writeString(
        folder.resolve("human.txt"),
        "The honourable Members will recall the debate on the budget last spring, when the"
            + " Council and this House reached an agreement on the agricultural guidelines.");
    CliRun r =
        CliRun.run(
            "attribute", "--keys", keys.toString(), "--json", "--top", "3", folder.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(4, j.get("documents").size());
    Set<Long> named = new HashSet<>();
    j.get("accounts").forEach(a -> named.add(a.get("account").asLong()));
    assertEquals(Set.of(17L, 9000000L), named);
    assertEquals("not_watermarked", j.get("documents").get(3).get("outcome").asText());
  }

  @Test
  void badInputExitsTwoWithOneLine() throws Exception {
    Path plainKeys = dir.resolve("plain-keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", plainKeys.toString(), "--id", "p").exitCode());
    Path text = dir.resolve("t.txt");
    Files.writeString(text, "Some text to attribute.");
    String[][] cases = {
      {"attribute", "--keys", plainKeys.toString(), text.toString()},
      {"attribute", "--keys", keys.toString(), "--top", "0", text.toString()},
      {"attribute", "--keys", keys.toString(), "--alpha", "2", text.toString()},
      {"attribute", "--keys", keys.toString(), dir.resolve("absent.txt").toString()},
      {"generate", "--keys", plainKeys.toString(), "--account", "1"},
      {"generate", "--keys", keys.toString(), "--account", "16777216"},
      {"generate", "--plain", "--account", "1"},
      {"keys", "create", "--out", dir.resolve("k2.json").toString(), "--payload-bits", "33"},
      {
        "keys",
        "create",
        "--out",
        dir.resolve("k3.json").toString(),
        "--scheme",
        "gumbel",
        "--payload-bits",
        "24"
      },
    };
    for (String[] c : cases) {
      CliRun r = CliRun.run(c);
      assertEquals(ExitCode.BAD_INPUT, r.exitCode(), String.join(" ", c) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("telltale: "), r.err());
    }
  }
}
