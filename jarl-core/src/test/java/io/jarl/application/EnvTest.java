package io.jarl.application;

import static io.jarl.Jarl.*;
import static io.jarl.application.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.jarl.Pid;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application environment: its sources and their precedence, conversions, the getters (OTP:
 * get_env, persistent_env and otp_3002 of application_SUITE; Elixir's fetch_env!/2 messages).
 */
@ExtendWith(NoLeakedProcesses.class)
class EnvTest {
    private final Apps.RecordingStopper halts = new Apps.RecordingStopper();
    private RuntimeStopper previousStopper;
    private final List<String> properties = new ArrayList<>();

    @TempDir
    Path dir;

    enum Mode { SLOW, FAST }

    @BeforeEach
    void recordHalts() {
        previousStopper = Application.setRuntimeStopper(halts);
    }

    @AfterEach
    void cleanUp() {
        properties.forEach(System::clearProperty);
        Apps.cleanUp(previousStopper);
        assertThat(halts.poll()).isEmpty();
    }

    private void property(String name, String value) {
        properties.add(name);
        System.setProperty(name, value);
    }

    private Path configFile(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "app", ".properties");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static ApplicationSpec chat() {
        return ApplicationSpec.library("chat").withEnv("port", 4040).withEnv("host", "localhost");
    }

    private static void reload(ApplicationSpec spec) {
        Application.unload(spec.name());
        Application.load(spec);
    }

    private static ApplicationError loadError(ApplicationSpec spec) {
        try {
            Application.load(spec);
        } catch (ApplicationException e) {
            return e.error();
        }
        throw new AssertionError("the load did not fail");
    }

    // ---------------------------------------------------------------- application_SUITE

    /** OTP: get_env. */
    @Test
    void getEnv() {
        Application.load(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4040);
        assertThat(Application.getEnv("undefined_app", "a")).isEmpty();
        assertThat(Application.getEnv("chat", "error_logger_xyz")).isEmpty();
        assertThat(Application.getEnv("chat", "error_logger_xyz", "default")).isEqualTo("default");
    }

    /** OTP: persistent_env. */
    @Test
    void persistentEnv() {
        ApplicationSpec appinc = ApplicationSpec.library("appinc").withEnv("own_env1", "value1").withEnv("own2", "val2");
        Application.putEnvPersistent("appinc", "own2", "persist");
        Application.putEnvPersistent("appinc", "key1", "persist");

        // own_env1 and own2 are set in appinc
        Application.load(appinc);
        assertThat(Application.getEnv("appinc", "own_env1")).contains("value1");
        assertThat(Application.getEnv("appinc", "own2")).contains("persist");
        assertThat(Application.getEnv("appinc", "key1")).contains("persist");

        // Changing the environment after loaded reflects and should persist
        Application.putEnvPersistent("appinc", "own_env1", "persist");
        assertThat(Application.getEnv("appinc", "own_env1")).contains("persist");

        // On reload, own_env1, own2 and key1 should all persist
        reload(appinc);
        assertThat(Application.getAllEnv("appinc"))
                .containsExactly(entry("key1", "persist"), entry("own2", "persist"), entry("own_env1", "persist"));

        // Unset own_env1 and key1, own2 should still persist
        Application.deleteEnvPersistent("appinc", "own_env1");
        Application.deleteEnvPersistent("appinc", "key1");
        assertThat(Application.getEnv("appinc", "own_env1")).isEmpty();
        assertThat(Application.getEnv("appinc", "own2")).contains("persist");
        assertThat(Application.getEnv("appinc", "key1")).isEmpty();

        // own_env1 should be back to its application value on reload
        reload(appinc);
        assertThat(Application.getEnv("appinc", "own_env1")).contains("value1");
        assertThat(Application.getEnv("appinc", "own2")).contains("persist");
        assertThat(Application.getEnv("appinc", "key1")).isEmpty();
    }

    /**
     * OTP: otp_3002 (a permanent application with a bad environment value crashes the node at boot).
     * In Jarl the load fails, naming the key, the value and where it came from; nothing is loaded.
     */
    @Test
    void otp3002() {
        property("jarl.app.chat.port", "abc");
        assertThat(loadError(chat())).isEqualTo(new ApplicationError.BadEnvironmentValue("chat", "port", "abc",
                "-Djarl.app.chat.port", "not a valid Integer"));
        assertThat(Application.loadedApplications()).isEmpty();
        assertThat(Application.getEnv("chat", "port")).isEmpty();
    }

    // ---------------------------------------------------------------- sources and precedence

    /** Defaults, then the config file, then persistent values, then system properties; putEnv until the next load. */
    @Test
    void theSourcesAndTheirPrecedence() throws IOException {
        Application.load(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4040);

        Application.setConfigFile(Optional.of(configFile("chat.port=4041")));
        reload(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4041);

        Application.putEnvPersistent("chat", "port", 4042);
        reload(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4042);

        property("jarl.app.chat.port", "4043");
        reload(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4043);

        Application.putEnv("chat", "port", 4044);
        assertThat(Application.getEnv("chat", "port")).contains(4044);
        reload(chat());
        assertThat(Application.getEnv("chat", "port")).contains(4043);
        assertThat(Application.getEnv("chat", "host")).contains("localhost");
    }

    /** OTP: a value set before the load is overridden by the spec for the same key, and kept for others. */
    @Test
    void valuesPutBeforeTheLoad() {
        Application.putEnv("chat", "port", 1);
        Application.putEnv("chat", "extra", "kept");
        Application.load(chat());
        assertThat(Application.getAllEnv("chat"))
                .containsExactly(entry("extra", "kept"), entry("host", "localhost"), entry("port", 4040));
        Application.unload("chat");
        assertThat(Application.getAllEnv("chat")).isEmpty();
    }

    @Test
    void theConfigFileFromASystemProperty() throws IOException {
        property("jarl.config", configFile("# comment", "chat.port = 5000", "other.port=1", "chat.mode=fast").toString());
        Application.load(chat());
        assertThat(Application.getAllEnv("chat"))
                .containsExactly(entry("host", "localhost"), entry("mode", "fast"), entry("port", 5000));
        // setConfigFile wins over the property
        Application.setConfigFile(Optional.of(configFile("chat.port=6000")));
        reload(chat());
        assertThat(Application.getEnv("chat", "port")).contains(6000);
    }

    @Test
    void aBadConfigFileFailsTheLoad() throws IOException {
        Path missing = dir.resolve("missing.properties");
        Application.setConfigFile(Optional.of(missing));
        assertThat(loadError(chat())).isInstanceOfSatisfying(ApplicationError.BadConfigFile.class, e -> {
            assertThat(e.application()).isEqualTo("chat");
            assertThat(e.file()).isEqualTo(missing);
            assertThat(e.problem()).startsWith("cannot read it");
        });

        Path noDot = configFile("chat.port=1", "port=2");
        Application.setConfigFile(Optional.of(noDot));
        assertThat(loadError(chat())).isEqualTo(new ApplicationError.BadConfigFile("chat", noDot,
                "\"port\" is not <application>.<key>"));

        Path badValue = configFile("chat.port=many");
        Application.setConfigFile(Optional.of(badValue));
        assertThat(loadError(chat())).isEqualTo(new ApplicationError.BadEnvironmentValue("chat", "port", "many",
                badValue.toString(), "not a valid Integer"));
        assertThat(Application.loadedApplications()).isEmpty();
    }

    /** A text value takes the type of the key's default; a key without a default stays text. */
    @Test
    void textOverridesTakeTheTypeOfTheDefault() {
        ApplicationSpec spec = ApplicationSpec.library("svc").withEnv(Map.of("port", 1, "big", 2L, "ratio", 0.5,
                "verbose", false, "timeout", Duration.ofSeconds(5), "dir", Path.of("/"), "mode", Mode.SLOW,
                "name", "x"));
        property("jarl.app.svc.port", " 8080 ");
        property("jarl.app.svc.big", "9000000000");
        property("jarl.app.svc.ratio", "0.25");
        property("jarl.app.svc.verbose", "TRUE");
        property("jarl.app.svc.timeout", "250ms");
        property("jarl.app.svc.dir", "/tmp/svc");
        property("jarl.app.svc.mode", "fast");
        property("jarl.app.svc.name", " spaced ");
        property("jarl.app.svc.undeclared", "42");
        Application.load(spec);
        assertThat(Application.getAllEnv("svc")).containsExactly(entry("big", 9_000_000_000L),
                entry("dir", Path.of("/tmp/svc")), entry("mode", Mode.FAST), entry("name", " spaced "),
                entry("port", 8080), entry("ratio", 0.25), entry("timeout", Duration.ofMillis(250)),
                entry("undeclared", "42"), entry("verbose", true));

        property("jarl.app.svc.timeout", "PT2M");
        reload(spec);
        assertThat(Application.getEnv("svc", "timeout")).contains(Duration.ofMinutes(2));

        property("jarl.app.svc.verbose", "yes");
        Application.unload("svc");
        assertThat(loadError(spec)).isEqualTo(new ApplicationError.BadEnvironmentValue("svc", "verbose", "yes",
                "-Djarl.app.svc.verbose", "not true or false"));
    }

    // ---------------------------------------------------------------- getters

    @Test
    void fetchEnvNamesTheApplicationAndTheKey() {
        assertThatThrownBy(() -> Application.fetchEnv("nothing", "port"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("could not fetch application environment port for application nothing because the"
                        + " application was not loaded nor configured");
        Application.load(chat());
        assertThatThrownBy(() -> Application.fetchEnv("chat", "timeout", Integer.class))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("could not fetch application environment timeout for application chat because"
                        + " configuration at timeout was not set");
        assertThat(Application.fetchEnv("chat", "port")).isEqualTo(4040);
        int port = Application.fetchEnv("chat", "port", int.class);
        assertThat(port).isEqualTo(4040);
    }

    @Test
    void typedGetters() {
        Application.load(chat());
        Application.putEnv("chat", "text_port", "5050");
        Application.putEnv("chat", "tags", List.of("a", "b"));

        assertThat(Application.getEnv("chat", "port", Integer.class)).contains(4040);
        assertThat(Application.getEnv("chat", "text_port", Integer.class)).contains(5050); // text converts
        assertThat(Application.getEnv("chat", "missing", Integer.class)).isEmpty();
        assertThat(Application.getEnv("chat", "port", 1)).isEqualTo(4040);
        assertThat(Application.getEnv("chat", "text_port", 1)).isEqualTo(5050);
        assertThat(Application.getEnv("chat", "missing", Duration.ZERO)).isEqualTo(Duration.ZERO);
        List<String> tags = Application.getEnv("chat", "tags", List.<String>of());
        assertThat(tags).containsExactly("a", "b"); // not a text type: returned as it is

        assertThatThrownBy(() -> Application.getEnv("chat", "port", String.class))
                .isInstanceOf(ClassCastException.class)
                .hasMessage("application chat, environment key port: the value 4040 is a java.lang.Integer,"
                        + " not a java.lang.String");
        assertThatThrownBy(() -> Application.getEnv("chat", "host", 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application chat, environment key host: \"localhost\" is not a"
                        + " java.lang.Integer");
        assertThatThrownBy(() -> Application.fetchEnv("chat", "tags", Map.class))
                .isInstanceOf(ClassCastException.class)
                .hasMessageContaining("application chat, environment key tags");
    }

    @Test
    void putDeleteAndGetAll() {
        Application.putEnv("unloaded", "a", 1); // an application not loaded can be configured
        assertThat(Application.getAllEnv("unloaded")).containsExactly(entry("a", 1));
        assertThat(Application.fetchEnv("unloaded", "a")).isEqualTo(1);
        Application.deleteEnv("unloaded", "a");
        Application.deleteEnv("unloaded", "a"); // nothing to delete: fine
        assertThat(Application.getAllEnv("unloaded")).isEmpty();

        Application.load(chat());
        Application.putEnv("chat", "b", "x");
        Application.deleteEnv("chat", "host");
        assertThat(Application.getAllEnv("chat")).containsExactly(entry("b", "x"), entry("port", 4040));
        assertThatThrownBy(() -> Application.getAllEnv("chat").put("c", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void badNamesKeysAndValues() {
        assertThatThrownBy(() -> Application.putEnv("bad.name", "k", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an application name: \"bad.name\"");
        assertThatThrownBy(() -> Application.getEnv("chat", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an environment key is empty");
        assertThatThrownBy(() -> Application.putEnv("chat", "k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ApplicationSpec.library("chat").withEnv("", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApplicationSpec.library("chat").withApplications("chat"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("application chat depends on itself");
        assertThatThrownBy(() -> ApplicationSpec.library("chat").withApplications("a", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("application chat lists a twice");
        assertThatThrownBy(() -> ApplicationSpec.library("chat").withOptionalApplications("a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optional application a");
        property("jarl.app.chat.", "x");
        assertThat(loadError(chat())).isInstanceOf(ApplicationError.BadEnvironmentValue.class);
    }

    /** The start callback reads its environment: it is there before the application starts. */
    @Test
    void theStartCallbackReadsItsEnvironment() {
        try (var me = attach()) {
            Pid tester = self();
            record Port(int port) {}
            property("jarl.app.svc.port", "7000");
            Application.load(app(tester, "svc", (probe, name) -> {
                send(tester, new Port(Application.fetchEnv(name, "port", Integer.class)));
                return Apps.supervisorWithWorker(probe, name);
            }).withEnv("port", 1));
            Application.start("svc");
            assertThat(receive(Port.class, Duration.ofSeconds(5))).contains(new Port(7000));
            assertThat(Application.getApplication(Application.getSupervisor("svc").orElseThrow())).contains("svc");
        }
    }
}
