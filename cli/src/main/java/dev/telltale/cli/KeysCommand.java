package dev.telltale.cli;

import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.SigningKey;
import dev.telltale.key.TokenizerBinding;
import dev.telltale.key.WatermarkKey;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telltale keys}: create, rotate and list key sets; print their public signing keys. */
@Command(
    name = "keys",
    description = "Create, rotate and list key sets; print the public key set for verifiers.",
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.Rotate.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Public.class,
      KeysImportVllm.class
    })
final class KeysCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

  static KeyId newKeyId(String requested) {
    return newKeyId(requested, KeySet.WATERMARK_ID_PREFIX);
  }

  /** A fresh Ed25519 signing key for provenance tokens (default id sig-DATE-RANDOM). */
  static SigningKey newSigningKey(String requested) {
    return SigningKey.generate(newKeyId(requested, KeySet.SIGNING_ID_PREFIX), RANDOM);
  }

  private static KeyId newKeyId(String requested, String prefix) {
    if (requested != null) {
      try {
        return KeyId.of(requested);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      }
    }
    return KeyId.generate(prefix, RANDOM);
  }

  static KeySet load(Path path) {
    try {
      return KeySetFile.read(path);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** Writes a key set; rewriting an existing file keeps the tokenizer it records. */
  static void store(Path path, KeySet keys, boolean replace) {
    store(
        path,
        keys,
        replace,
        replace && Files.exists(path) ? TokenizerCheckOption.binding(path) : Optional.empty());
  }

  static void store(Path path, KeySet keys, boolean replace, Optional<TokenizerBinding> tokenizer) {
    try {
      KeySetFile.write(path, keys, replace, tokenizer);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  static String describe(WatermarkKey k) {
    if (k.parameters() instanceof VllmParameters v) {
      return "vllm " + v.profile();
    }
    if (k.parameters() instanceof GreenListParameters g) {
      return String.format(
          "kgw gamma=%s delta=%s h=%d%s%s%s",
          g.gamma(),
          g.delta(),
          g.contextWidth(),
          g.selfHash() ? " self-hash" : "",
          g.payload()
              .map(
                  p ->
                      " payload=" + p.bits() + "/" + p.symbolBits() + " payload-delta=" + p.delta())
              .orElse(""),
          g.robustContext() ? " robust-context" : "");
    }
    return "gumbel h="
        + k.parameters().contextWidth()
        + (k.parameters().robustContext() ? " robust-context" : "");
  }

  @Command(
      name = "create",
      description = "Create a key set file with a fresh watermark key and signing key.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Key set file to write (mode 600).")
    Path out;

    @Option(names = "--id", description = "Key id (default wm-DATE-RANDOM).")
    String id;

    @Option(
        names = "--signing-id",
        description = "Id of the Ed25519 signing key (default sig-DATE-RANDOM).")
    String signingId;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @Option(
        names = "--tokenizer",
        paramLabel = "NAME|FILE",
        description =
            "Record the tokenizer the keys are for (cl100k_base, o200k_base or a tokenizer.json,"
                + " by name and SHA-256): detection with another is then refused.")
    String tokenizer;

    @Mixin KeyParameterOptions parameters;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeySet created =
          KeySet.generate(
              newKeyId(id),
              parameters.toParameters(),
              newKeyId(signingId, KeySet.SIGNING_ID_PREFIX),
              RANDOM);
      WatermarkKey key = created.primary();
      SigningKey signing = created.primarySigningKey().orElseThrow();
      Optional<TokenizerBinding> binding =
          tokenizer == null
              ? Optional.empty()
              : Optional.of(TokenizerBinding.of(DetectCommand.tokenizer(tokenizer)));
      store(out, created, force, binding);
      spec.commandLine()
          .getOut()
          .printf(
              "created key %s (%s) and signing key %s (Ed25519) in %s%n",
              key.id(), describe(key), signing.id(), out);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "rotate",
      description = {
        "Add a fresh primary key; older keys stay for detection.",
        "With --signing, rotate the signing key instead: the old one is kept as retired, so its",
        "public key still verifies the tokens it signed."
      })
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--keys", required = true, description = "Key set file to update.")
    Path keys;

    @Option(
        names = "--id",
        description = "Id of the new key (default wm-DATE-RANDOM, or sig-DATE-RANDOM).")
    String id;

    @Option(names = "--signing", description = "Rotate the Ed25519 signing key.")
    boolean signing;

    @Mixin KeyParameterOptions parameters;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeySet current = load(keys);
      if (signing) {
        return rotateSigning(current);
      }
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

    private int rotateSigning(KeySet current) {
      SigningKey next = newSigningKey(id);
      if (current.getSigningKey(next.id()).isPresent()) {
        throw new BadInputException("signing key id '" + next.id() + "' is already in " + keys);
      }
      store(keys, current.withSigningKey(next), true);
      spec.commandLine()
          .getOut()
          .printf(
              "new signing key %s (Ed25519); %d older signing key(s) kept as retired for"
                  + " verification%n",
              next.id(), current.signingKeys().size());
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
      for (SigningKey k : set.signingKeys()) {
        out.printf(
            "%s %-28s %-40s created %s%n",
            set.primarySigningKey().map(p -> p.id().equals(k.id())).orElse(false) ? "*" : " ",
            k.id(),
            "signing Ed25519 " + k.status().label(),
            k.created());
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "public",
      description = {
        "Print the public signing keys as a JWKS document (OKP/Ed25519, with kid): what",
        "verifiers need, served by the verifier service at /.well-known/telltale-keys."
      })
  static final class Public implements Callable<Integer> {
    @Option(names = "--keys", required = true, description = "Key set file.")
    Path keys;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeySet set = load(keys);
      if (set.signingKeys().isEmpty()) {
        throw new BadInputException(
            "key file '"
                + keys
                + "' has no signing key; add one with: telltale keys rotate --signing --keys "
                + keys);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(
          new String(PublicKeySet.from(set).toJson(), java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
      return ExitCode.OK;
    }
  }
}
