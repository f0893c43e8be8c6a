package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.scan.CorpusScan;
import dev.telltale.forensics.scan.ScanCancelledException;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.forensics.scan.ScanListener;
import dev.telltale.forensics.scan.ScanResult;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import dev.telltale.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs durable corpus-scan jobs. Each instance polls the jobs table, claims a queued job (or one
 * whose lease expired because its worker died) with {@link JobStore#claim}, and runs {@link
 * CorpusScan} on its own thread with the work folder {@code data/scans/ID/work}. A heartbeat renews
 * the lease and records progress; every checkpoint the scan writes is recorded in the job row. A
 * restarted (or other) instance that claims the job runs the scan on the same work folder, which
 * resumes from the checkpoint, so the result equals an uninterrupted run. The job ends with its
 * audit row and, when it asked for evidence, its signed finding in one transaction.
 */
public final class ScanJobs implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScanJobs.class.getName());
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String KIND = "scan";

  private final ServiceConfig config;
  private final JobStore store;
  private final KeySet keys;
  private final Optional<EvidenceLog> evidence;
  private final ServiceTokenizers tokenizers;
  private final String worker = "instance-" + UUID.randomUUID();
  private final Duration lease;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "telltale-scan-poller"));
  private final ExecutorService runners =
      Executors.newCachedThreadPool(r -> daemon(r, "telltale-scan"));

  /** The live state of a job this instance runs. */
  private static final class Running {
    volatile long documents;
    volatile long bytes;
    volatile boolean cancel;
    volatile boolean lost;
  }

  public ScanJobs(ServiceConfig config, JobStore store, KeySet keys) {
    this(config, store, keys, Optional.empty());
  }

  /** A runner that signs the evidence of jobs that asked for it into {@code evidence}'s log. */
  ScanJobs(ServiceConfig config, JobStore store, KeySet keys, Optional<EvidenceLog> evidence) {
    this(config, store, keys, evidence, ServiceTokenizers.builtIn());
  }

  /** With the configured tokenizer files ({@code tokenizers.files}) a job may name. */
  ScanJobs(
      ServiceConfig config,
      JobStore store,
      KeySet keys,
      Optional<EvidenceLog> evidence,
      ServiceTokenizers tokenizers) {
    this.tokenizers = tokenizers;
    this.config = config;
    this.store = store;
    this.keys = keys;
    this.evidence = evidence;
    this.lease = Duration.ofSeconds(config.scanLeaseSeconds());
  }

  /** The folder of job {@code id} under the data directory. */
  static Path jobDir(ServiceConfig config, String id) {
    return config.dataDir().resolve("scans").resolve(id);
  }

  /** Starts polling for work. */
  public void start() {
    if (config.scanRunners() == 0) {
      return;
    }
    long heartbeatMs = Math.max(200, lease.toMillis() / 3);
    poller.scheduleWithFixedDelay(this::poll, 0, Math.min(500, heartbeatMs), TimeUnit.MILLISECONDS);
    poller.scheduleWithFixedDelay(this::sweep, 0, SWEEP_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /** How often upload folders left without a job, and ended jobs' uploads, are removed. */
  private static final long SWEEP_EVERY_MS = 60_000;

  /**
   * Removes orphan upload folders (no job row, not written for twice the idle timeout, so never an
   * upload in progress) and, unless uploads are retained, the uploads of ended jobs.
   */
  void sweep() {
    ScanFiles.sweep(
        config.dataDir().resolve("scans"),
        store,
        config.limits().retainUploads(),
        2 * config.limits().idleTimeoutMs());
  }

  private void poll() {
    try {
      for (Map.Entry<String, Running> e : running.entrySet()) {
        Running r = e.getValue();
        Optional<Boolean> cancel =
            store.progress(e.getKey(), worker, lease, r.documents, r.bytes, Optional.empty());
        if (cancel.isEmpty()) {
          r.lost = true;
        } else if (cancel.get()) {
          r.cancel = true;
        }
      }
      if (running.size() >= config.scanRunners()) {
        return;
      }
      int attempts = config.limits().scanMaxAttempts();
      store.failExhausted(
          KIND,
          attempts,
          "the scan stopped without finishing "
              + attempts
              + " times (its worker ran out of memory, crashed or lost its lease); it is not"
              + " retried (scans.max_attempts)");
      for (String id : store.runnable(KIND, config.scanRunners())) {
        if (running.size() >= config.scanRunners() || running.containsKey(id)) {
          continue;
        }
        if (store.claim(id, worker, lease, config.limits().scanMaxAttempts())) {
          running.put(id, new Running());
          runners.submit(() -> run(id));
        }
      }
    } catch (RuntimeException e) {
      // The database may be briefly down: try again at the next tick.
      LOG.log(Level.WARNING, "scan job poll failed: " + e.getMessage());
    }
  }

  /** Parameters of a scan job, stored as JSON in the row. */
  record Params(
      String field, double fdr, Optional<String> keyId, boolean evidence, String tokenizer) {
    String toJson() {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("field", field);
      o.put("tokenizer", tokenizer);
      o.put("fdr", fdr);
      keyId.ifPresent(k -> o.put("key_id", k));
      if (evidence) {
        o.put("evidence", true);
      }
      return o.toString();
    }

    static Params fromJson(String s) {
      try {
        JsonNode n = MAPPER.readTree(s);
        return new Params(
            n.get("field").asText(),
            n.get("fdr").asDouble(),
            n.hasNonNull("key_id") ? Optional.of(n.get("key_id").asText()) : Optional.empty(),
            n.path("evidence").asBoolean(false),
            // Jobs queued before scans took a tokenizer were scanned with cl100k_base.
            n.path("tokenizer").asText(Tokenizers.CL100K_BASE));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable job parameters", e);
      }
    }
  }

  /** The key set a job scans with: all keys, or the one named. */
  static Optional<KeySet> keysFor(KeySet keys, Optional<String> keyId) {
    if (keyId.isEmpty()) {
      return Optional.of(keys);
    }
    Optional<WatermarkKey> k;
    try {
      k = keys.get(new KeyId(keyId.get()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return k.map(KeySet::single);
  }

  private void run(String id) {
    Running state = running.get(id);
    try {
      JobStore.ScanRow row = store.scan(id).orElseThrow();
      if (row.cancelRequested()) {
        // Cancelled while its previous worker was dying: end it without scanning on.
        store.finish(
            id,
            worker,
            "cancelled",
            Optional.empty(),
            Optional.empty(),
            Optional.of(auditWithout(row, row.inputSha256().orElse(""), "cancelled")));
        return;
      }
      Params p = Params.fromJson(row.params());
      KeySet set = keysFor(keys, p.keyId()).orElseThrow();
      Tokenizer tokenizer = tokenizers.get(p.tokenizer());
      Path work = jobDir(config, id).resolve("work");
      Path checkpointFile = work.resolve("checkpoint.json");
      CorpusScan.Options options =
          CorpusScan.Options.defaults()
              .withThreads(config.scanThreads())
              .withFdr(p.fdr())
              .withCheckpointEvery(config.scanCheckpointEvery());
      ScanListener listener =
          new ScanListener() {
            FileTime seen = modified(checkpointFile);

            @Override
            public void progress(ScanProgress progress) {
              state.documents = progress.documents();
              state.bytes = progress.bytes();
              FileTime now = modified(checkpointFile);
              if (now != null && !now.equals(seen)) {
                // The scan just wrote a checkpoint: record it in the row under the lease.
                seen = now;
                ObjectNode cp = MAPPER.createObjectNode();
                cp.put("documents", progress.documents());
                cp.put("bytes", progress.bytes());
                cp.put("at", Instant.now().toString());
                Optional<Boolean> cancel =
                    store.progress(
                        id,
                        worker,
                        lease,
                        progress.documents(),
                        progress.bytes(),
                        Optional.of(cp.toString()));
                if (cancel.isEmpty()) {
                  state.lost = true;
                } else if (cancel.get()) {
                  state.cancel = true;
                }
              }
            }

            @Override
            public boolean cancelRequested() {
              if (state.lost) {
                // Another worker may own the job and its work folder now: stop without writing
                // a checkpoint (a cancel would write one).
                throw new LeaseLostException();
              }
              return state.cancel;
            }
          };
      String digest = row.inputSha256().orElse("");
      Path input = Path.of(row.inputRef());
      long maxLine = config.limits().scanLineBytes();
      DocumentSource files =
          DocumentSource.named(
              DocumentSource.listFiles(List.of(input)).stream().map(Path::toString).toList(),
              name -> ScanFiles.open(name, maxLine),
              p.field());
      // An upload lives in the job's folder; a server-side path was named by the client itself.
      boolean uploaded = input.startsWith(jobDir(config, id));
      try (DocumentSource source =
          uploaded ? new UploadNames(files, row.inputRef(), subjectName(row, true)) : files) {
        ScanResult r = CorpusScan.of(set, tokenizer, options).run(source, work, listener);
        // Named as the CLI's scan result names it: a file tokenizer with its SHA-256.
        ObjectNode json = TokenizerIdentity.putIfFile(ScanJson.of(r), tokenizer);
        AuditLog.Entry audit =
            new AuditLog.Entry(
                0,
                Instant.now(),
                row.ownerTokenId(),
                "/v1/scans",
                digest,
                (int) Math.min(Integer.MAX_VALUE, r.tokens()),
                Optional.of(r.best().keyId().value()),
                Optional.of(r.suspectCount() > 0 ? "suspects" : "no-suspects"),
                Optional.of(r.pooled().pValue()),
                Optional.of(r.pooled().log10PValue()));
        Optional<EvidenceStatement> statement =
            p.evidence()
                ? Optional.of(
                    FindingStatements.scan(
                        keys, set, p, subjectName(row, uploaded), digest, r.best(), json))
                : Optional.empty();
        store.finish(
            id,
            worker,
            "succeeded",
            Optional.of(json.toString()),
            Optional.empty(),
            Optional.of(audit),
            c -> {
              // In the transaction that ends the job: a job resumed after a crash issues it once.
              if (statement.isPresent()) {
                evidence
                    .orElseThrow(() -> new IllegalStateException("this runner cannot sign"))
                    .issueIn(
                        c,
                        row.ownerTokenId(),
                        "/v1/scans",
                        statement.get(),
                        Optional.of(r.pooled().pValue()),
                        Optional.of(id));
              }
            });
      } catch (LeaseLostException e) {
        LOG.warning("scan job " + id + " lost its lease; another worker continues it");
      } catch (ScanCancelledException e) {
        if (!state.lost) {
          store.finish(
              id,
              worker,
              "cancelled",
              Optional.empty(),
              Optional.empty(),
              Optional.of(auditWithout(row, digest, "cancelled")));
        }
      } catch (CorpusInputException e) {
        // The message names the stored input file; the caller knows it as "the corpus".
        String msg = e.getMessage().replace(row.inputRef(), "the corpus");
        store.finish(
            id,
            worker,
            "failed",
            Optional.empty(),
            Optional.of(msg),
            Optional.of(auditWithout(row, digest, "failed")));
      }
    } catch (VirtualMachineError e) {
      // Out of memory: end the process (a supervisor restarts it); the job's lease expires and
      // scans.max_attempts bounds how often it is tried again.
      FatalErrors.check(e);
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "scan job " + id + " failed", e);
      try {
        store.finish(
            id,
            worker,
            "failed",
            Optional.empty(),
            Optional.of("internal error"),
            Optional.empty());
      } catch (RuntimeException ignored) {
        // The lease expires and another attempt is made.
      }
    } finally {
      running.remove(id);
      dropUploadIfEnded(id);
    }
  }

  /** Unless uploads are retained, deletes an ended job's uploaded corpus (its digest stays). */
  private void dropUploadIfEnded(String id) {
    if (config.limits().retainUploads()) {
      return;
    }
    try {
      Optional<String> state = store.state(id);
      if (state.isPresent() && !state.get().equals("running") && !state.get().equals("queued")) {
        Path dir = jobDir(config, id);
        for (String suffix : List.of("jsonl", "txt")) {
          ScanFiles.deleteUpload(dir.resolve("corpus." + suffix));
        }
      }
    } catch (RuntimeException e) {
      LOG.fine("cannot check an ended scan's upload: " + e.getMessage());
    }
  }

  /**
   * The subject name of a scan's input: a server-side path as stored, an upload as {@code
   * upload.jsonl} or {@code upload.txt} (the service's data path is never shown).
   */
  static String subjectName(JobStore.ScanRow row, boolean uploaded) {
    if (!uploaded) {
      return row.inputRef();
    }
    String f = Path.of(row.inputRef()).getFileName().toString();
    return UploadNames.NAME + f.substring(f.indexOf('.'));
  }

  private static AuditLog.Entry auditWithout(JobStore.ScanRow row, String digest, String verdict) {
    return new AuditLog.Entry(
        0,
        Instant.now(),
        row.ownerTokenId(),
        "/v1/scans",
        digest,
        0,
        Optional.empty(),
        Optional.of(verdict),
        Optional.empty(),
        Optional.empty());
  }

  private static FileTime modified(Path f) {
    try {
      return Files.exists(f) ? Files.getLastModifiedTime(f) : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops polling; running scans stop at their next batch and leave their lease to expire. */
  @Override
  public void close() {
    // Not shutdownNow: interrupting a thread inside an embedded H2 call can close H2's file
    // channel under the database that is about to be shut down cleanly.
    poller.shutdown();
    running.values().forEach(r -> r.lost = true);
    runners.shutdown();
    try {
      poller.awaitTermination(10, TimeUnit.SECONDS);
      runners.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** This worker no longer holds the job's lease. */
  private static final class LeaseLostException extends RuntimeException {
    LeaseLostException() {
      super("lease lost", null, false, false);
    }
  }
}
