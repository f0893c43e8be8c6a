package dev.telltale.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Success$;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Per-stage progress of the scan on stderr (a line when a stage starts, at most every few seconds
 * while it runs, and when it ends) and the job's cost: tasks run, tasks retried (a later attempt of
 * a task, or a task of a resubmitted stage), failed task attempts, executors lost and bytes
 * shuffled. Registered on the driver; Spark calls it from its listener thread.
 */
final class ScanProgress extends SparkListener {
  private static final long EVERY_NANOS = 5_000_000_000L;

  private final PrintStream err;
  private final Map<String, Stage> stages = new ConcurrentHashMap<>();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong executorsLost = new AtomicLong();
  private final AtomicLong shuffleBytes = new AtomicLong();
  private final AtomicLong stagesRun = new AtomicLong();

  /** One stage attempt's counters. */
  private static final class Stage {
    final String name;
    final int total;
    int done;
    long lastPrint = System.nanoTime();

    Stage(String name, int total) {
      this.name = name;
      this.total = total;
    }
  }

  ScanProgress(PrintStream err) {
    this.err = err;
  }

  private static String key(int stage, int attempt) {
    return stage + "." + attempt;
  }

  private static String name(StageInfo s, java.util.Properties props) {
    String d = props == null ? null : props.getProperty("spark.job.description");
    return d == null ? s.name() : d;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    StageInfo s = e.stageInfo();
    Stage st = new Stage(name(s, e.properties()), s.numTasks());
    stages.put(key(s.stageId(), s.attemptNumber()), st);
    print(
        "stage %d%s (%s): %d tasks",
        s.stageId(),
        s.attemptNumber() > 0 ? " attempt " + s.attemptNumber() : "",
        st.name,
        st.total);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    tasks.incrementAndGet();
    if (e.taskInfo().attemptNumber() > 0 || e.stageAttemptId() > 0) {
      retried.incrementAndGet();
    }
    boolean ok = e.reason() == Success$.MODULE$;
    if (!ok) {
      failed.incrementAndGet();
    }
    TaskMetrics m = e.taskMetrics();
    if (ok && m != null) {
      shuffleBytes.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    }
    Stage st = stages.get(key(e.stageId(), e.stageAttemptId()));
    if (st == null || !ok) {
      return;
    }
    synchronized (st) {
      st.done++;
      long now = System.nanoTime();
      if ((st.done == 1 || now - st.lastPrint >= EVERY_NANOS) && st.done < st.total) {
        st.lastPrint = now;
        print("stage %d (%s): %d/%d tasks", e.stageId(), st.name, st.done, st.total);
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo s = e.stageInfo();
    stagesRun.incrementAndGet();
    Stage st = stages.remove(key(s.stageId(), s.attemptNumber()));
    String name = st == null ? s.name() : st.name;
    long ms =
        s.submissionTime().isDefined() && s.completionTime().isDefined()
            ? (Long) s.completionTime().get() - (Long) s.submissionTime().get()
            : 0;
    if (s.failureReason().isDefined()) {
      print(
          "stage %d (%s) failed after %.1f s: will be retried if it can",
          s.stageId(), name, ms / 1e3);
    } else {
      print("stage %d (%s): done, %d tasks in %.1f s", s.stageId(), name, s.numTasks(), ms / 1e3);
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
    executorsLost.incrementAndGet();
    print("executor %s lost: %s", e.executorId(), e.reason());
  }

  private void print(String format, Object... args) {
    err.println("telltale: spark: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }

  long tasks() {
    return tasks.get();
  }

  long retried() {
    return retried.get();
  }

  long failed() {
    return failed.get();
  }

  long executorsLost() {
    return executorsLost.get();
  }

  long shuffleBytes() {
    return shuffleBytes.get();
  }

  /** The cost line printed after the job. */
  String summary() {
    return String.format(
        Locale.ROOT,
        "telltale: spark: %d stages, %d tasks run, %d retried, %d failed attempts, %d executors"
            + " lost, %.1f MB shuffled",
        stagesRun.get(),
        tasks.get(),
        retried.get(),
        failed.get(),
        executorsLost.get(),
        shuffleBytes.get() / 1e6);
  }
}
