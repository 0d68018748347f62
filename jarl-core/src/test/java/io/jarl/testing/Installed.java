package io.jarl.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The external peers that some tests need ({@code erl} and JInterface), found on the
 * {@code PATH}, and the one place that decides whether a test skips for want of one.
 *
 * <p>A peer can be hidden from the tests with the system property {@value #WITHOUT}, a
 * comma-separated list of {@link Peer} names ({@code erlang,jinterface}) or {@code all}:
 * {@code bin/jarl test --without-peers} sets it (and a {@code PATH} without erl's and Elixir's
 * programs), so that
 * CI runs every skip path once. A test that skips says which package installs what it missed; the
 * {@link SkippedTests} listener repeats those reasons at the end of the run.
 */
public final class Installed {
    /** The system property that hides peers from the tests. */
    public static final String WITHOUT = "jarl.test.without";

    /** A peer that some tests talk to, with the programs it provides and the package that has it. */
    public enum Peer {
        ERLANG("erl not found: install Erlang (apt-get install erlang-base)", "erl", "epmd"),
        JINTERFACE("JInterface not found: install it (apt-get install erlang-jinterface)");

        private final String missing;
        private final Set<String> programs;

        Peer(String missing, String... programs) {
            this.missing = missing;
            this.programs = Set.of(programs);
        }

        /** The skip message: what is missing and the command that installs it. */
        public String missing() {
            return missing;
        }

        /** Whether {@value #WITHOUT} hides this peer. */
        public boolean hidden() {
            String without = System.getProperty(WITHOUT, "");
            Set<String> names = Arrays.stream(without.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                    .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
            return names.contains("all") || names.contains(name().toLowerCase(Locale.ROOT));
        }

        /** Whether the peer is there: not hidden, and each of its programs on the {@code PATH}. */
        public boolean present() {
            return !hidden() && programs.stream().allMatch(p -> onPath(p).isPresent());
        }

        /** Skips the calling test (or class) with {@link #missing()} unless the peer is present. */
        public void assume() {
            assumeTrue(present(), missing);
        }
    }

    private Installed() {}

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
