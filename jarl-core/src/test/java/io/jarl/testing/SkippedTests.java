package io.jarl.testing;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of a test run, why tests were skipped: one line per reason with the test
 * classes it skipped, so that a machine without {@code erl} says how to install it instead of
 * only counting skips. Registered through {@code META-INF/services}, so every module whose tests
 * have the test kit on their class path prints it.
 */
public final class SkippedTests implements TestExecutionListener {
    private final Map<String, Map<String, Integer>> byReason = new TreeMap<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private synchronized void record(TestIdentifier test, String reason) {
        String where = test.getSource().map(source -> switch (source) {
            case MethodSource m -> simpleName(m.getClassName());
            case ClassSource c -> simpleName(c.getClassName());
            default -> test.getDisplayName();
        }).orElse(test.getDisplayName());
        String why = reason == null ? "no reason given" : reason.replaceFirst("^Assumption failed: ", "");
        byReason.computeIfAbsent(why, k -> new TreeMap<>()).merge(where, 1, Integer::sum);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        if (byReason.isEmpty()) {
            return;
        }
        PrintStream out = System.out;
        byReason.forEach((why, classes) -> out.println("[SKIPPED] " + why + ": " + String.join(", ",
                classes.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " (" + e.getValue() + ")")
                        .toList())));
        byReason.clear();
    }
}
