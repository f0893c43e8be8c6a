package dev.telltale.cli;

import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telltale keys}: create, rotate and list watermark key sets. */
@Command(
    name = "keys",
    description = "Create, rotate and list watermark key sets.",
    subcommands = {KeysCommand.Create.class, KeysCommand.Rotate.class, KeysCommand.ListKeys.class})
final class KeysCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

  static KeyId newKeyId(String requested) {
    if (requested != null) {
      try {
        return KeyId.of(requested);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      }
    }
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return KeyId.of(
        "wm-"
            + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE)
            + "-"
            + HexFormat.of().formatHex(r));
  }

  static KeySet load(Path path) {
    try {
      return KeySetFile.read(path);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  static void store(Path path, KeySet keys, boolean replace) {
    try {
      KeySetFile.write(path, keys, replace);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  static String describe(WatermarkKey k) {
    if (k.parameters() instanceof GreenListParameters g) {
      return String.format(
          "kgw gamma=%s delta=%s h=%d%s%s",
          g.gamma(),
          g.delta(),
          g.contextWidth(),
          g.selfHash() ? " self-hash" : "",
          g.payload()
              .map(
                  p ->
                      " payload=" + p.bits() + "/" + p.symbolBits() + " payload-delta=" + p.delta())
              .orElse(""));
    }
    return "gumbel h=" + k.parameters().contextWidth();
  }

  @Command(name = "create", description = "Create a key set file with one fresh watermark key.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Key set file to write (mode 600).")
    Path out;

    @Option(names = "--id", description = "Key id (default wm-DATE-RANDOM).")
    String id;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @Mixin KeyParameterOptions parameters;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WatermarkKey key = WatermarkKey.generate(newKeyId(id), parameters.toParameters(), RANDOM);
      store(out, KeySet.single(key), force);
      spec.commandLine()
          .getOut()
          .printf("created key %s (%s) in %s%n", key.id(), describe(key), out);
      return ExitCode.OK;
    }
  }

  @Command(name = "rotate", description = "Add a fresh primary key; older keys stay for detection.")
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--keys", required = true, description = "Key set file to update.")
    Path keys;

    @Option(names = "--id", description = "Id of the new key (default wm-DATE-RANDOM).")
    String id;

    @Mixin KeyParameterOptions parameters;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeySet current = load(keys);
      WatermarkKey key = WatermarkKey.generate(newKeyId(id), parameters.toParameters(), RANDOM);
      if (current.get(key.id()).isPresent()) {
        throw new BadInputException("key id '" + key.id() + "' is already in " + keys);
      }
      store(keys, current.rotate(key), true);
      spec.commandLine()
          .getOut()
          .printf(
              "new primary key %s (%s); %d older key(s) kept for detection%n",
              key.id(), describe(key), current.keys().size());
      return ExitCode.OK;
    }
  }

  @Command(name = "list", description = "List the keys of a key set (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Option(names = "--keys", required = true, description = "Key set file.")
    Path keys;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeySet set = load(keys);
      PrintWriter out = spec.commandLine().getOut();
      for (WatermarkKey k : set.keys()) {
        out.printf(
            "%s %-28s %-40s created %s%n",
            k.id().equals(set.primaryId()) ? "*" : " ", k.id(), describe(k), k.created());
      }
      return ExitCode.OK;
    }
  }
}
