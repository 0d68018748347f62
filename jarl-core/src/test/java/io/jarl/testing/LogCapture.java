package io.jarl.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Captures what is written to {@link System#err} while open, still passing it through.
 *
 * <p>slf4j-simple (configured in {@code simplelogger.properties} with {@code logFile=System.err}
 * and no output-stream caching) looks {@code System.err} up at every log call, so the crash reports
 * of the runtime land here. To know that a process has finished logging, join its thread: the crash
 * report is written by the process's own thread before it ends.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing {@code System.err}. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything captured so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The captured lines that contain {@code fragment}. */
    public List<String> linesContaining(String fragment) {
        return text().lines().filter(l -> l.contains(fragment)).toList();
    }

    /** How many times {@code regex} occurs in what was captured. */
    public int count(String regex) {
        Matcher m = Pattern.compile(regex).matcher(text());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
