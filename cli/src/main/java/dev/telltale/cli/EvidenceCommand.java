package dev.telltale.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EnvelopeVerifier;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.EvidenceVerification.Reason;
import dev.telltale.evidence.Subject;
import dev.telltale.evidence.log.FileLogStore;
import dev.telltale.evidence.log.LogCorruptedException;
import dev.telltale.evidence.log.LogProof;
import dev.telltale.evidence.log.LogVerifier;
import dev.telltale.evidence.log.MerkleHash;
import dev.telltale.evidence.log.MerkleLog;
import dev.telltale.evidence.log.SignedTreeHead;
import dev.telltale.key.KeySet;
import dev.telltale.provenance.PublicKeySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale evidence append|verify}: signed findings and the transparency log. */
@Command(
    name = "evidence",
    description = "Append signed findings to a transparency log and verify them.",
    subcommands = {EvidenceCommand.Append.class, EvidenceCommand.Verify.class})
final class EvidenceCommand {
  private EvidenceCommand() {}

  static Envelope parseEnvelope(Path path) {
    try {
      return EnvelopeReader.parse(EvidenceFiles.read(path, "envelope"));
    } catch (EvidenceFormatException e) {
      throw new BadInputException("'" + path + "' is not a DSSE envelope: " + e.getMessage(), e);
    }
  }

  /** {@code telltale evidence append}. */
  @Command(
      name = "append",
      description = {
        "Append a signed envelope to the log in DIR (created if needed) and sign a new tree head",
        "with the key set's primary signing key. The envelope's signature must verify under the",
        "key set's public keys. Appending an envelope already in the log only prints its index.",
        "Exit 0 when appended, 1 when the envelope does not verify, 2 on bad input."
      })
  static final class Append implements Callable<Integer> {
    @Parameters(paramLabel = "ENVELOPE", description = "The envelope file.")
    Path envelope;

    @Option(names = "--log", required = true, paramLabel = "DIR", description = "Log folder.")
    Path log;

    @Option(
        names = "--keys",
        required = true,
        description = "Key set whose primary signing key signs the tree head.")
    Path keys;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      KeySet set = KeysCommand.load(keys);
      if (set.primarySigningKey().isEmpty()) {
        throw new BadInputException("key set '" + keys + "' has no signing key");
      }
      Envelope e = parseEnvelope(envelope);
      PrintWriter out = spec.commandLine().getOut();
      EvidenceVerification v = EnvelopeVerifier.of(PublicKeySet.from(set)).verify(e);
      if (!v.isValid()) {
        Verify.print(out, json, v, null);
        return ExitCode.NOT_DETECTED;
      }
      byte[] entry = EnvelopeWriter.canonicalBytes(e);
      try (MerkleLog l = EvidenceFiles.openLog(log, true)) {
        OptionalLong existing = l.find(MerkleHash.leaf(entry));
        long index = existing.isPresent() ? existing.getAsLong() : l.append(entry);
        SignedTreeHead head =
            existing.isPresent() && l.store().latestTreeHead().isPresent()
                ? l.store().latestTreeHead().get()
                : l.signTreeHead(EnvelopeSigner.of(set.primarySigningKey().get()), Instant.now());
        if (json) {
          ObjectNode o = JsonNodeFactory.instance.objectNode();
          o.put("index", index);
          o.put("appended", existing.isEmpty());
          o.set("tree_head", head.toJson());
          out.println(CanonicalJson.string(o));
        } else {
          out.printf(
              "%s %d%n", existing.isPresent() ? "already in the log at index" : "index", index);
          LogCommand.printHead(out, head);
        }
      }
      out.flush();
      return ExitCode.OK;
    }
  }

  /** {@code telltale evidence verify}. */
  @Command(
      name = "verify",
      description = {
        "Verify a signed finding: the envelope's signature under the public keys, the statement,",
        "the SHA-256 of each --subject file against the statement's subjects, and with --log or",
        "--proof its inclusion under a signed tree head. --rerun re-executes the recorded command",
        "on the recorded inputs with the key set given by --keys and checks the result is equal.",
        "Exit 0 when VALID, 1 with the reason code otherwise, 2 on bad input."
      })
  static final class Verify implements Callable<Integer> {
    @Parameters(paramLabel = "ENVELOPE", description = "The envelope file.")
    Path envelope;

    @Option(
        names = "--public",
        required = true,
        description = "Public key set (JWKS, from 'telltale keys public').")
    Path publicKeys;

    @ArgGroup(exclusive = true)
    LogSource logSource;

    static final class LogSource {
      @Option(names = "--log", paramLabel = "DIR", description = "Check inclusion in this log.")
      Path log;

      @Option(
          names = "--proof",
          paramLabel = "FILE",
          description = "Check inclusion with this proof file (from 'telltale log prove').")
      Path proof;
    }

    @Option(
        names = "--subject",
        paramLabel = "FILE",
        arity = "1..*",
        description = "Input files whose SHA-256 must be among the statement's subjects.")
    List<Path> subjects = new ArrayList<>();

    @Option(names = "--rerun", description = "Re-run the recorded command (needs --keys).")
    boolean rerun;

    @Option(names = "--keys", description = "Key set with the watermark key(s), for --rerun.")
    Path keys;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (rerun && keys == null) {
        throw new BadInputException("--rerun needs --keys KEYS with the watermark key(s)");
      }
      PublicKeySet pub = VerifyCommand.readPublicKeys(publicKeys);
      List<Subject> inputs = new ArrayList<>();
      for (Path p : subjects) {
        try {
          inputs.add(Subject.ofFile(p));
        } catch (IOException e) {
          throw new BadInputException("cannot read --subject '" + p + "': " + e.getMessage(), e);
        }
      }
      byte[] bytes = EvidenceFiles.read(envelope, "envelope");
      LogProof proof = null;
      EvidenceVerification v = EnvelopeVerifier.of(pub).verify(bytes, inputs);
      if (v.isValid() && logSource != null) {
        Envelope e = parse(bytes);
        EvidenceVerification inLog;
        if (logSource.proof != null) {
          try {
            proof = LogProof.parse(EvidenceFiles.read(logSource.proof, "proof file"));
            inLog = LogVerifier.of(pub).verifyInclusion(e, proof);
          } catch (EvidenceFormatException ex) {
            inLog = EvidenceVerification.of(Reason.MALFORMED, ex.getMessage());
          }
        } else {
          inLog = fromLog(pub, logSource.log, e);
          proof = lastProof;
        }
        v =
            inLog.isValid()
                ? v.with(Reason.VALID, v.detail() + "; " + inLog.detail())
                : v.with(inLog.reason(), inLog.detail());
      }
      if (v.isValid() && rerun) {
        EvidenceVerification r = Rerun.check(v.statement().orElseThrow(), keys, subjects);
        v =
            r.isValid()
                ? v.with(Reason.VALID, v.detail() + "; " + r.detail())
                : v.with(r.reason(), r.detail());
      }
      print(spec.commandLine().getOut(), json, v, proof);
      return v.isValid() ? ExitCode.OK : ExitCode.NOT_DETECTED;
    }

    private static Envelope parse(byte[] bytes) {
      try {
        return EnvelopeReader.parse(bytes);
      } catch (EvidenceFormatException e) {
        throw new IllegalStateException("verified envelope no longer parses", e);
      }
    }

    private LogProof lastProof;

    /** Inclusion in the log in {@code dir}: VALID, NOT_IN_LOG, BAD_PROOF or LOG_CORRUPTED. */
    private EvidenceVerification fromLog(PublicKeySet pub, Path dir, Envelope e)
        throws IOException {
      Optional<LogProof> found;
      try {
        found = proveFromLog(dir, e);
      } catch (LogCorruptedException ex) {
        return EvidenceVerification.of(Reason.LOG_CORRUPTED, ex.getMessage());
      }
      if (found.isEmpty()) {
        return EvidenceVerification.of(
            Reason.NOT_IN_LOG, "the envelope is not in the log under its latest signed tree head");
      }
      lastProof = found.get();
      return LogVerifier.of(pub).verifyInclusion(e, found.get());
    }

    private static Optional<LogProof> proveFromLog(Path dir, Envelope e) throws IOException {
      EvidenceFiles.requireLog(dir);
      try (MerkleLog l = MerkleLog.over(FileLogStore.open(dir))) {
        Optional<SignedTreeHead> head = l.store().latestTreeHead();
        byte[] leaf = MerkleHash.leaf(EnvelopeWriter.canonicalBytes(e));
        OptionalLong index = l.find(leaf);
        if (head.isEmpty() || index.isEmpty() || index.getAsLong() >= head.get().treeSize()) {
          return Optional.empty();
        }
        return Optional.of(
            new LogProof(
                leaf, l.inclusionProof(index.getAsLong(), head.get().treeSize()), head.get()));
      }
    }

    static void print(PrintWriter out, boolean json, EvidenceVerification v, LogProof proof) {
      Optional<EvidenceStatement> st = v.statement();
      if (json) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("status", v.reason().name());
        o.put("valid", v.isValid());
        o.put("detail", v.detail());
        if (v.keyId().isPresent()) {
          o.put("key_id", v.keyId().get());
        } else {
          o.putNull("key_id");
        }
        if (st.isPresent()) {
          o.put("predicate_type", st.get().kind().predicateType());
          ArrayNode subs = o.putArray("subjects");
          st.get()
              .subjects()
              .forEach(s -> subs.addObject().put("name", s.name()).put("sha256", s.sha256()));
        }
        if (proof != null) {
          o.put("log_index", proof.inclusion().leafIndex());
          o.set("tree_head", proof.treeHead().toJson());
        }
        out.println(CanonicalJson.string(o));
      } else {
        out.printf("%s: %s%n", v.reason(), v.detail());
        if (st.isPresent()) {
          EvidenceStatement s = st.get();
          out.printf(
              "  %s finding by %s at %s, %d subject(s)%n",
              s.kind().label(), s.method(), s.time(), s.subjects().size());
          for (Subject sub : s.subjects()) {
            out.printf("  subject %s sha256 %s%n", sub.name(), sub.sha256());
          }
          out.printf("  re-run: %s%n", String.join(" ", s.command()));
        }
      }
      out.flush();
    }
  }
}
