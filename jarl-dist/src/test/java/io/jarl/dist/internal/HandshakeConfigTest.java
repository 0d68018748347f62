package io.jarl.dist.internal;

import static io.jarl.dist.internal.DistFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.Cookie;
import io.jarl.dist.NodeName;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedProcesses.class)
class HandshakeConfigTest {
    static final NodeName ME = NodeName.of("me", "h");
    static final Cookie COOKIE = Cookie.of("SECRET");

    @Test
    void aVisibleNodePublishesAndAHiddenOneDoesNot() {
        HandshakeConfig config = HandshakeConfig.of(ME, 7, COOKIE);
        assertThat(config.flagsFor(false)).isEqualTo(DEFAULT_OFFERED | PUBLISHED);
        assertThat(config.withHidden(true).flagsFor(false)).isEqualTo(DEFAULT_OFFERED);
        assertThat(config.flagsFor(true)).isEqualTo(DEFAULT_OFFERED | NAME_ME); // dynamic names are hidden
        assertThat(config.setupTime()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.required()).isEqualTo(MANDATORY_25 | MANDATORY_26);
    }

    @Test
    void inconsistentConfigurationsAreRefused() {
        HandshakeConfig config = HandshakeConfig.of(ME, 7, COOKIE);
        assertThatThrownBy(() -> config.withFlags(DEFAULT_OFFERED & ~UNLINK_ID, DEFAULT_REQUIRED))
                .hasMessageContaining("lack required ones: [UNLINK_ID]");
        assertThatThrownBy(() -> config.withFlags(DEFAULT_OFFERED | PUBLISHED, DEFAULT_REQUIRED))
                .hasMessageContaining("PUBLISHED and NAME_ME follow");
        assertThatThrownBy(() -> config.withFlags(DEFAULT_OFFERED | LOCAL_EXT, DEFAULT_REQUIRED))
                .hasMessageContaining("internal");
        assertThatThrownBy(() -> config.withFlags(DEFAULT_OFFERED & ~HANDSHAKE_23, DEFAULT_REQUIRED & ~HANDSHAKE_23))
                .hasMessageContaining("HANDSHAKE_23 must be offered");
        assertThatThrownBy(() -> HandshakeConfig.of(ME, 0, COOKIE)).hasMessageContaining("creation other than 0");
        assertThatThrownBy(() -> config.withSetupTime(Duration.ZERO)).hasMessageContaining("positive");
    }

    @Test
    void theCookieDoesNotShowInTheConfiguration() {
        assertThat(HandshakeConfig.of(ME, 7, Cookie.of("TOPSECRET")).toString()).doesNotContain("TOPSECRET")
                .contains("me@h").contains("visible").contains("0xd07df2fbc");
    }
}
