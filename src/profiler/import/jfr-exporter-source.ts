/**
 * The Java program that reads a Flight Recorder file for Redline: it uses the JDK's own parser
 * (jdk.jfr.consumer.RecordingFile) and writes one compact JSON line per event Redline needs
 * (methods and threads interned on first use). Run with the JDK's source launcher
 * (`java RedlineJfrExport.java <file.jfr> [fromEpochMs toEpochMs]`). `jfr print --json` was
 * measured too slow and too large for this (bench/RESULTS.md, "JFR import").
 */
export const JFR_EXPORTER_SOURCE = String.raw`import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/** Redline: reads a JFR recording with the JDK's own parser (jdk.jfr.consumer) and writes compact JSON lines. */
public final class RedlineJfrExport {
  private final BufferedWriter out;
  private final Map<String, Integer> methods = new HashMap<>();
  private final Map<String, Integer> threads = new HashMap<>();

  private RedlineJfrExport(BufferedWriter out) { this.out = out; }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long from = args.length > 1 ? Long.parseLong(args[1]) : Long.MIN_VALUE;
    long to = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    new RedlineJfrExport(out).run(file, from, to);
    out.flush();
  }

  private void run(Path file, long from, long to) throws Exception {
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        long t = e.getStartTime().toEpochMilli();
        String type = e.getEventType().getName();
        if ((t < from || t > to) && !type.equals("jdk.CPUInformation")) continue;
        switch (type) {
          case "jdk.ExecutionSample": sample("cpu", e, t, "sampledThread", 0, null); break;
          case "jdk.ObjectAllocationSample": sample("alloc", e, t, "eventThread", e.getLong("weight"), cls(e, "objectClass")); break;
          case "jdk.JavaMonitorEnter": sample("monitor", e, t, "eventThread", nanos(e.getDuration()), cls(e, "monitorClass")); break;
          case "jdk.ThreadPark": sample("park", e, t, "eventThread", nanos(e.getDuration()), cls(e, "parkedClass")); break;
          case "jdk.GarbageCollection":
            line("{\"e\":\"gc\",\"t\":" + t + ",\"d\":" + nanos(e.getDuration()) + ",\"sum\":" + nanos(e.getDuration("sumOfPauses"))
                + ",\"max\":" + nanos(e.getDuration("longestPause")) + ",\"name\":" + q(e.getString("name")) + ",\"cause\":" + q(e.getString("cause")) + "}");
            break;
          case "jdk.SafepointBegin":
            line("{\"e\":\"safepoint\",\"t\":" + t + ",\"d\":" + nanos(e.getDuration()) + ",\"id\":" + e.getLong("safepointId") + "}");
            break;
          case "jdk.ExecuteVMOperation":
            if (e.getBoolean("safepoint"))
              line("{\"e\":\"vmop\",\"t\":" + t + ",\"d\":" + nanos(e.getDuration()) + ",\"name\":" + q(e.getString("operation")) + ",\"id\":" + e.getLong("safepointId") + "}");
            break;
          case "jdk.CPUInformation":
            line("{\"e\":\"cpus\",\"t\":" + t + ",\"n\":" + e.getInt("hwThreads") + "}");
            break;
          case "jdk.CPULoad":
            line("{\"e\":\"cpuload\",\"t\":" + t + ",\"user\":" + e.getFloat("jvmUser") + ",\"system\":" + e.getFloat("jvmSystem") + ",\"machine\":" + e.getFloat("machineTotal") + "}");
            break;
          default: break;
        }
      }
    }
  }

  private static long nanos(Duration d) { return d == null ? 0 : d.toNanos(); }

  private static String cls(RecordedEvent e, String field) {
    RecordedClass c = e.getClass(field);
    return c == null ? null : c.getName();
  }

  private void sample(String kind, RecordedEvent e, long t, String threadField, long value, String cls) throws Exception {
    RecordedStackTrace st = e.getStackTrace();
    if (st == null) return;
    RecordedThread th = e.getThread(threadField);
    StringBuilder b = new StringBuilder(128);
    b.append("{\"e\":\"").append(kind).append("\",\"t\":").append(t).append(",\"th\":").append(thread(th));
    if (value != 0) b.append(",\"v\":").append(value);
    if (cls != null) b.append(",\"c\":").append(q(cls));
    if (st.isTruncated()) b.append(",\"cut\":1");
    b.append(",\"s\":[");
    List<RecordedFrame> frames = st.getFrames();
    for (int i = 0; i < frames.size(); i++) {
      RecordedFrame f = frames.get(i);
      if (i > 0) b.append(',');
      b.append(method(f)).append(',').append(f.getLineNumber());
    }
    line(b.append("]}").toString());
  }

  private int method(RecordedFrame f) throws Exception {
    RecordedMethod m = f.getMethod();
    String type = f.getType();
    String key = m.getType().getName() + '\u0000' + m.getName() + '\u0000' + ("Native".equals(type) ? "n" : "j");
    Integer id = methods.get(key);
    if (id == null) {
      id = methods.size();
      methods.put(key, id);
      line("{\"m\":" + id + ",\"c\":" + q(m.getType().getName()) + ",\"n\":" + q(m.getName()) + ("Native".equals(type) ? ",\"native\":1" : "") + "}");
    }
    return id;
  }

  private int thread(RecordedThread th) throws Exception {
    String name = th == null ? "?" : (th.getJavaName() != null ? th.getJavaName() : th.getOSName());
    Integer id = threads.get(name);
    if (id == null) {
      id = threads.size();
      threads.put(name, id);
      line("{\"thread\":" + id + ",\"name\":" + q(name) + "}");
    }
    return id;
  }

  private void line(String s) throws Exception { out.write(s); out.write('\n'); }

  private static String q(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
`;
