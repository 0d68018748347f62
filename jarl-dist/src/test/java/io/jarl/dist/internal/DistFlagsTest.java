package io.jarl.dist.internal;

import static io.jarl.dist.internal.DistFlags.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedProcesses.class)
class DistFlagsTest {
    /** What erl 25.2.3 offers on the wire, captured by the reference. */
    static final long ERL_25 = 0xd07df7fbdL;
    /** What JInterface 1.13.1 offers. */
    static final long JINTERFACE_1_13 = 0x407070f94L;
    /** What JInterface 1.6.1 (Maven Central) offers. */
    static final long JINTERFACE_1_6 = 0x30d94L;

    @Test
    void theValuesAreOtps() {
        assertThat(MANDATORY_25).isEqualTo(0x01070F94L);
        assertThat(MANDATORY_25_DIGEST).isEqualTo(0x04000000L);
        assertThat(HANDSHAKE_23).isEqualTo(0x01000000L);
        assertThat(BIG_CREATION).isEqualTo(0x40000L);
        assertThat(UNLINK_ID).isEqualTo(0x02000000L);
        assertThat(V4_NC).isEqualTo(0x400000000L);
        assertThat(SPAWN).isEqualTo(0x100000000L);
        assertThat(NAME_ME).isEqualTo(0x200000000L);
        assertThat(ALIAS).isEqualTo(0x800000000L);
        assertThat(FRAGMENTS).isEqualTo(0x800000L);
        assertThat(DIST_HDR_ATOM_CACHE).isEqualTo(0x2000L);
    }

    @Test
    void jarlOffersThePassThroughSetOfTheReference() {
        assertThat(DEFAULT_OFFERED | PUBLISHED).isEqualTo(0xd07df2fbdL);
        assertThat(DEFAULT_OFFERED & (FRAGMENTS | DIST_HDR_ATOM_CACHE)).isEqualTo(FRAGMENTS | DIST_HDR_ATOM_CACHE);
        assertThat(DEFAULT_OFFERED & DEFAULT_REQUIRED).isEqualTo(DEFAULT_REQUIRED);
        assertThat((DEFAULT_OFFERED | PUBLISHED) & ERL_25).isEqualTo(0xd07df2fbdL);
    }

    @Test
    void otp25AndJinterface113MeetTheRequirementsButJinterface16DoesNot() {
        assertThat(missing(DEFAULT_REQUIRED, expand(ERL_25))).isZero();
        assertThat(missing(DEFAULT_REQUIRED, expand(JINTERFACE_1_13))).isZero();
        assertThat(names(missing(DEFAULT_REQUIRED, expand(JINTERFACE_1_6))))
                .contains("HANDSHAKE_23", "BIG_CREATION", "EXPORT_PTR_TAG", "UNLINK_ID", "V4_NC");
    }

    /** dist_util:expand_mandatory_25_flag/1. */
    @Test
    void theDigestStandsForTheElevenMandatoryFlagsOfOtp25() {
        long digestOnly = MANDATORY_25_DIGEST | MANDATORY_26;
        assertThat(missing(DEFAULT_REQUIRED, digestOnly)).isNotZero();
        assertThat(missing(DEFAULT_REQUIRED, expand(digestOnly))).isZero();
        assertThat(expand(HANDSHAKE_23)).isEqualTo(HANDSHAKE_23);
        assertThat(Long.bitCount(MANDATORY_25)).isEqualTo(11);
    }

    @Test
    void flagsHaveOtpsNamesLowestFirst() {
        assertThat(names(PUBLISHED | HANDSHAKE_23 | ALIAS)).containsExactly("PUBLISHED", "HANDSHAKE_23", "ALIAS");
        assertThat(names(MANDATORY_25)).containsExactly("EXTENDED_REFERENCES", "FUN_TAGS", "NEW_FUN_TAGS",
                "EXTENDED_PIDS_PORTS", "EXPORT_PTR_TAG", "BIT_BINARIES", "NEW_FLOATS", "UTF8_ATOMS", "MAP_TAG",
                "BIG_CREATION", "HANDSHAKE_23");
        assertThat(name(1L << 50)).isEqualTo("UNKNOWN<4000000000000>");
        assertThat(names(0)).isEmpty();
    }
}
