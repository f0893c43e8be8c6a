package dev.telltale.cli;

import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeySet;
import dev.telltale.key.VllmConfig;
import dev.telltale.key.WatermarkKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telltale keys import-vllm}: turns vLLM's watermarking configuration and key into a
 * Telltale key, in a new key set file (with a fresh signing key for evidence) or added to one.
 */
@Command(
    name = "import-vllm",
    description = {
      "Import a vLLM watermark (gumbel, dual_key_gumbel, sbw; PRF philox4x32-10-v1) as a key.",
      "CONFIG.json is vLLM's watermark_config (algorithm, alpha, context_width,",
      "deduplicate_contexts, deduplicate_contexts_max_history, prf, sbw_*) plus 'key' (the",
      "unsigned 64-bit key, a number or a decimal string) and optionally 'detection_alpha'."
    })
final class KeysImportVllm implements Callable<Integer> {
  private static final long MAX_CONFIG_BYTES = 1 << 16;

  @Option(names = "--config", required = true, description = "vLLM configuration (JSON).")
  Path config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--out", description = "New key set file to write (mode 600).")
    Path out;

    @Option(names = "--keys", description = "Existing key set file to add the key to.")
    Path keys;
  }

  @Option(names = "--id", description = "Key id (default wm-DATE-RANDOM).")
  String id;

  @Option(names = "--primary", description = "With --keys: make the imported key the primary.")
  boolean primary;

  @Option(names = "--force", description = "With --out: replace an existing file.")
  boolean force;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    VllmConfig.Imported imported = read(config);
    WatermarkKey key =
        imported.toKey(KeysCommand.newKeyId(id), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Path file;
    if (target.out != null) {
      file = target.out;
      KeySet set = KeySet.single(key).withSigningKey(KeysCommand.newSigningKey(null));
      KeysCommand.store(file, set, force);
    } else {
      file = target.keys;
      KeySet current = KeysCommand.load(file);
      if (current.get(key.id()).isPresent()) {
        throw new BadInputException("key id '" + key.id() + "' is already in " + file);
      }
      List<WatermarkKey> all = new ArrayList<>(current.keys());
      all.add(key);
      KeySet next = KeySet.of(primary ? key.id() : current.primaryId(), all);
      if (current.primarySigningKey().isPresent()) {
        next = next.withSigningKeys(current.primarySigningKey().get().id(), current.signingKeys());
      }
      KeysCommand.store(file, next, true);
    }
    spec.commandLine()
        .getOut()
        .printf("imported vLLM key %s (%s) into %s%n", key.id(), KeysCommand.describe(key), file);
    return ExitCode.OK;
  }

  static VllmConfig.Imported read(Path path) {
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_CONFIG_BYTES) {
        throw new BadInputException("vLLM config '" + path + "' is larger than 64 KiB");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new BadInputException("vLLM config '" + path + "' does not exist");
    } catch (IOException e) {
      throw new BadInputException("cannot read vLLM config '" + path + "': " + e.getMessage());
    }
    try {
      return VllmConfig.parse(bytes, path.toString());
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }
}
