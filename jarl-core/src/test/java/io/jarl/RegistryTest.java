package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registered names (reference section 1; OTP: process_SUITE bad_register, register/2, whereis/1). */
@ExtendWith(NoLeakedProcesses.class)
class RegistryTest {

    /** OTP: process_SUITE bad_register. */
    @Test
    void registerDuplicateNameFails() {
        try (var me = attach()) {
            Pid a = spawn(ProcessTesting::blockForever);
            Pid b = spawn(ProcessTesting::blockForever);
            register("registry-test-dup", a);
            assertThat(whereis("registry-test-dup")).contains(a);

            // The name is taken.
            assertThatThrownBy(() -> register("registry-test-dup", b))
                    .isInstanceOf(NameTakenException.class)
                    .satisfies(e -> assertThat(((NameTakenException) e).name()).isEqualTo("registry-test-dup"));
            assertThatThrownBy(() -> register("registry-test-dup", a)).isInstanceOf(NameTakenException.class);
            // The process already has a name.
            assertThatThrownBy(() -> register("registry-test-other", a)).isInstanceOf(NameTakenException.class);
            assertThat(whereis("registry-test-other")).isEmpty();
            // A dead process cannot be registered.
            Pid dead = deadProcess();
            assertThatThrownBy(() -> register("registry-test-dead", dead)).isInstanceOf(NameTakenException.class);
            assertThat(whereis("registry-test-dead")).isEmpty();

            assertThat(whereis("registry-test-dup")).contains(a);
            kill(a);
            kill(b);
        }
    }

    @Test
    void spawnWithTakenNameStartsNothing() {
        try (var me = attach()) {
            Pid holder = spawn(SpawnOptions.defaults().register("registry-test-spawn"), ProcessTesting::blockForever);
            assertThat(whereis("registry-test-spawn")).as("usable as soon as spawn returns").contains(holder);
            int before = processCount();
            AtomicReference<Boolean> ran = new AtomicReference<>(false);
            assertThatThrownBy(() -> spawn(SpawnOptions.defaults().register("registry-test-spawn"), () -> ran.set(true)))
                    .isInstanceOf(NameTakenException.class);
            assertThatThrownBy(() -> spawn(SpawnOptions.defaults().link().register("registry-test-spawn"),
                    () -> ran.set(true))).isInstanceOf(NameTakenException.class);
            assertThat(processCount()).isEqualTo(before);
            assertThat(info(me.pid()).orElseThrow().links()).isEmpty();
            assertThat(whereis("registry-test-spawn")).contains(holder);
            kill(holder);
            assertThat(ran.get()).isFalse();
        }
    }

    /** The name is freed before anyone can see the process dead: by the time a Down arrives. */
    @Test
    void nameFreedBeforeDownObserved() {
        try (var me = attach()) {
            for (ExitReason reason : new ExitReason[] {ExitReason.normal(), ExitReason.of("crash"), ExitReason.kill()}) {
                Pid p = spawn(SpawnOptions.defaults().register("registry-test-freed"), () -> {
                    receive(String.class);
                    if (!(reason instanceof ExitReason.Kill)) {
                        exit(reason);
                    }
                    blockForever();
                });
                Ref ref = monitor(p);
                if (reason instanceof ExitReason.Kill) {
                    exit(p, reason);
                } else {
                    send(p, "go");
                }
                awaitDown(ref);
                assertThat(whereis("registry-test-freed")).as("after %s", reason).isEmpty();
                assertThat(registered()).doesNotContain("registry-test-freed");
                // It can be taken again at once.
                register("registry-test-freed", me.pid());
                unregister("registry-test-freed");
            }

            // Also for a watcher that is a linked, trapping process: the Exit comes after the name is free.
            trapExit(true);
            Pid q = spawn(SpawnOptions.defaults().register("registry-test-freed").link(), () -> {
                receive(String.class);
            });
            send(q, "go");
            awaitExit(q);
            assertThat(whereis("registry-test-freed")).isEmpty();
            register("registry-test-freed", me.pid());
        }
        assertThat(whereis("registry-test-freed")).as("freed when the attached process ends").isEmpty();
    }

    @Test
    void registeredNames() {
        try (var me = attach()) {
            Pid a = spawn(SpawnOptions.defaults().register("registry-test-a"), ProcessTesting::blockForever);
            Pid b = spawn(ProcessTesting::blockForever);
            register("registry-test-b", b);
            register("registry-test-me", me.pid());
            assertThat(registered()).contains("registry-test-a", "registry-test-b", "registry-test-me");
            assertThat(info(a).orElseThrow().registeredName()).contains("registry-test-a");
            assertThat(info(me.pid()).orElseThrow().registeredName()).contains("registry-test-me");

            kill(a);
            assertThat(registered()).doesNotContain("registry-test-a").contains("registry-test-b");
            unregister("registry-test-b");
            assertThat(registered()).doesNotContain("registry-test-b");
            assertThat(info(b).orElseThrow().registeredName()).isEmpty();
            kill(b);
        }
        assertThat(registered()).doesNotContain("registry-test-me");
    }

    @Test
    void unregisterUnknownFails() {
        assertThatThrownBy(() -> unregister("registry-test-never")).isInstanceOf(NoSuchNameException.class);
        try (var me = attach()) {
            register("registry-test-once", me.pid());
            unregister("registry-test-once");
            assertThatThrownBy(() -> unregister("registry-test-once")).isInstanceOf(NoSuchNameException.class);
            // Once unregistered, the process can take another name, and the name another process.
            register("registry-test-twice", me.pid());
            assertThat(whereis("registry-test-twice")).contains(me.pid());
            unregister("registry-test-twice");
        }
    }

    @Test
    void unregisterOfDeadOwnersNameFails() {
        Pid p = spawn(SpawnOptions.defaults().register("registry-test-gone"), () -> {});
        try (var me = attach()) {
            awaitDeath(p);
            assertThatThrownBy(() -> unregister("registry-test-gone")).isInstanceOf(NoSuchNameException.class);
        }
    }
}
