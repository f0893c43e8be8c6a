package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokens list} prints a label so that it cannot forge rows or drive the terminal. */
class TokenLabelsTest {
  @TempDir Path dir;

  @Test
  void controlCharactersInLabelsAreEscaped() {
    String data = dir.toString();
    String hostile = "ok\u001b[2J\r\nffffffffffffffff  admin  forged\u202e\\u0041";
    CliRun c =
        CliRun.run("tokens", "create", "--role", "auditor", "--label", hostile, "--data", data);
    assertEquals(ExitCode.OK, c.exitCode(), c.err());
    CliRun list = CliRun.run("tokens", "list", "--data", data);
    assertEquals(ExitCode.OK, list.exitCode(), list.err());
    assertEquals(2, list.out().lines().count(), list.out());
    assertFalse(list.out().contains("\u001b"), list.out());
    assertFalse(list.out().contains("\r"), list.out());
    assertFalse(list.out().contains("\u202e"), list.out());
    assertTrue(
        list.out()
            .contains("ok\\u001b[2J\\u000d\\u000affffffffffffffff  admin  forged\\u202e\\\\u0041"),
        list.out());
  }

  @Test
  void printableKeepsOrdinaryText() {
    assertEquals("Ana's laptop (é, 漢字) 🙂", TokensCommand.printable("Ana's laptop (é, 漢字) 🙂"));
  }
}
