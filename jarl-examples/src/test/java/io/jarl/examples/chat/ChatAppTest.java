package io.jarl.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.application.Application;
import io.jarl.application.ApplicationError;
import io.jarl.application.ApplicationException;
import io.jarl.application.ApplicationInfo;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chat server as the application {@code chat}: its configuration, start and stop. */
@ExtendWith(NoLeakedProcesses.class)
class ChatAppTest {
    private final ChatApp app = new ChatApp();

    @AfterEach
    void unload() {
        System.clearProperty("jarl.app.chat.port");
        Application.stopAll();
        Application.loadedApplications().forEach(a -> Application.unload(a.name()));
    }

    @Test
    void runsAsAnApplicationAndLeavesNothingWhenStopped() throws IOException {
        Application.load(app.spec());
        Application.putEnv(ChatApp.NAME, "port", 0);
        Set<Pid> before = Set.copyOf(Jarl.processes());

        assertThat(Application.ensureAllStarted(ChatApp.NAME)).containsExactly("chat");
        assertThat(Application.whichApplications()).containsExactly(
                new ApplicationInfo("chat", "a chat server over TCP, the demo of bin/jarl", "1.0"));
        ChatServer chat = app.server().orElseThrow();
        assertThat(Application.getSupervisor(ChatApp.NAME)).contains(chat.pid());
        assertThat(Application.getApplication(Jarl.whereis(ChatServer.ACCEPTOR).orElseThrow())).contains("chat");
        int port = chat.port();
        try (ChatClient alice = new ChatClient("alice", port, null)) {
            assertThat(alice.expect("What is your nickname?", Duration.ofSeconds(5))).isPresent();

            Application.stop(ChatApp.NAME);
            assertThat(alice.expect("*** the server is shutting down; bye", Duration.ofSeconds(5))).isPresent();
        }
        Set<Pid> left = new HashSet<>(Jarl.processes());
        left.removeAll(before);
        assertThat(left).as("processes of chat left when stop returns").isEmpty();
        assertThat(app.server()).isEmpty();
        assertThat(Application.whichApplications()).isEmpty();
        assertThat(refused(port)).as("port " + port + " is closed").isTrue();
    }

    @Test
    void thePortDefaultsTo4040AndASystemPropertyOverridesIt() {
        Application.load(app.spec());
        assertThat(Application.getEnv(ChatApp.NAME, "port")).contains(4040);
        Application.unload(ChatApp.NAME);
        System.setProperty("jarl.app.chat.port", "4545");
        Application.load(app.spec());
        assertThat(Application.getEnv(ChatApp.NAME, "port")).contains(4545); // an Integer, like the default
    }

    @Test
    void aBadPortFailsTheLoad() {
        System.setProperty("jarl.app.chat.port", "forty");
        ApplicationException e = catchThrowableOfType(ApplicationException.class, () -> Application.load(app.spec()));
        assertThat(e.error()).isInstanceOf(ApplicationError.BadEnvironmentValue.class);
        assertThat(e.getMessage()).contains("port", "forty", "-Djarl.app.chat.port");
    }

    @Test
    void aTakenPortFailsTheStartAndLeavesNothing() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Application.load(app.spec());
            Application.putEnv(ChatApp.NAME, "port", taken.getLocalPort());
            Set<Pid> before = Set.copyOf(Jarl.processes());
            ApplicationException e = catchThrowableOfType(ApplicationException.class,
                    () -> Application.ensureAllStarted(ChatApp.NAME));
            assertThat(e.application()).isEqualTo("chat");
            assertThat(e.error()).isInstanceOfSatisfying(ApplicationError.StartFailed.class,
                    failed -> assertThat(failed.reason().toString()).contains("cannot listen on port "
                            + taken.getLocalPort()));
            assertThat(Application.whichApplications()).isEmpty();
            assertThat(app.server()).isEmpty();
            assertThat(Jarl.processes()).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void crashingTheTopSupervisorEndsTheTemporaryApplication() {
        Application.load(app.spec());
        Application.putEnv(ChatApp.NAME, "port", 0);
        Application.ensureAllStarted(ChatApp.NAME);
        Pid top = Application.getSupervisor(ChatApp.NAME).orElseThrow();
        Jarl.run(() -> {
            Jarl.exit(top, ExitReason.kill());
            return null;
        });
        // The controller hears of it from the application's master; wait for that, bounded.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<ApplicationInfo> running = Application.whichApplications();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            running = Application.whichApplications();
        }
        assertThat(running).as("chat ended with its tree").isEmpty();
        assertThat(app.server()).as("its stop callback ran").isEmpty();
    }

    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket("localhost", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
