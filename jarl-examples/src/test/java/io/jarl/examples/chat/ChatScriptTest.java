package io.jarl.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scripted session of {@code bin/jarl demo --script}, run in-process. */
@ExtendWith(NoLeakedProcesses.class)
class ChatScriptTest {

    @Test
    void everyExpectationOfTheScriptHolds() {
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        var failures = ChatScript.run(new PrintStream(transcript, true, StandardCharsets.UTF_8));

        String text = transcript.toString(StandardCharsets.UTF_8);
        assertThat(failures).as(text).isEmpty();
        assertThat(text).doesNotContain("FAILED").contains("ok: no process is left")
                .contains("chat script: all expectations held");
    }
}
