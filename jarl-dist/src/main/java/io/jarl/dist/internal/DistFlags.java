package io.jarl.dist.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The capability flags two nodes exchange in the handshake (OTP: {@code DFLAG_*} in
 * {@code lib/kernel/include/dist.hrl}, {@code dist_util:dflag2str/1}).
 *
 * <p>Each node offers a 64-bit set; the connection uses the intersection. A peer that lacks a flag
 * this node requires is refused. The values below are OTP's, bit for bit.
 *
 * <h2>What Jarl offers, and why</h2>
 * {@link #DEFAULT_OFFERED} is what the connection layer implements: the mandatory flags of OTP 25
 * and 26, the OTP 25 digest
 * (which OTP 27 makes mandatory), remote monitors by pid and by name (without them a Java process's
 * death never reaches an Erlang monitor), {@code SEND_SENDER}, {@code EXIT_PAYLOAD},
 * {@code BIG_SEQTRACE_LABELS}, {@code SPAWN} (without it {@code rpc:call} gives
 * {@code {badrpc, notsup}}), {@code ALIAS}, and {@link #DIST_HDR_ATOM_CACHE} and {@link #FRAGMENTS},
 * plus {@link #PUBLISHED} unless the node is hidden. That is {@code 0xd07df2fbd}, the full set the
 * reference measured against OTP 25.2.3. With either of the last two negotiated, the BEAM sends
 * and requires {@code 131, 68} distribution headers (and may fragment large messages): the
 * connection layer reads the peer's atom cache and reassembles fragments, and sends headers with no
 * atom cache references and unfragmented frames, which OTP accepts. With a peer that offers neither
 * (JInterface), frames are pass-through ({@code 112, 131 control, 131 message}).
 *
 * <h2>Required of peers</h2>
 * {@link #DEFAULT_REQUIRED} is OTP 26's mandatory set ({@code DFLAGS_MANDATORY}): OTP 25's eleven
 * flags plus {@link #V4_NC} and {@link #UNLINK_ID}, so the connection layer never needs the old
 * {@code UNLINK} protocol or 32-bit node containers. Every OTP 25+ node and JInterface 1.13.1 offer
 * them. The {@link #MANDATORY_25_DIGEST} is expanded before the check, as OTP 25+ does.
 */
public final class DistFlags {
    private DistFlags() {}

    /** The node is visible ({@code nodes()}) rather than hidden ({@code nodes(hidden)}). */
    public static final long PUBLISHED = 0x1L;
    /** Obsolete atom cache. */
    public static final long ATOM_CACHE = 0x2L;
    /** Extended references (mandatory). */
    public static final long EXTENDED_REFERENCES = 0x4L;
    /** Remote process monitors ({@code MONITOR_P}). */
    public static final long DIST_MONITOR = 0x8L;
    /** {@code FUN_EXT} (mandatory in OTP 25). */
    public static final long FUN_TAGS = 0x10L;
    /** Remote monitors by registered name. */
    public static final long DIST_MONITOR_NAME = 0x20L;
    /** Obsolete atom cache for hidden nodes. */
    public static final long HIDDEN_ATOM_CACHE = 0x40L;
    /** {@code NEW_FUN_EXT} (mandatory). */
    public static final long NEW_FUN_TAGS = 0x80L;
    /** Extended pids and ports (mandatory). */
    public static final long EXTENDED_PIDS_PORTS = 0x100L;
    /** {@code EXPORT_EXT} (mandatory in OTP 25). */
    public static final long EXPORT_PTR_TAG = 0x200L;
    /** {@code BIT_BINARY_EXT} (mandatory in OTP 25). */
    public static final long BIT_BINARIES = 0x400L;
    /** {@code NEW_FLOAT_EXT} (mandatory in OTP 25). */
    public static final long NEW_FLOATS = 0x800L;
    /** Unicode in the io protocol to remote group leaders. */
    public static final long UNICODE_IO = 0x1000L;
    /** Distribution header with atom cache ({@code 131, 68}); forces header framing. */
    public static final long DIST_HDR_ATOM_CACHE = 0x2000L;
    /** {@code SMALL_ATOM_EXT} for Latin-1 atoms. */
    public static final long SMALL_ATOM_TAGS = 0x4000L;
    /** UTF-8 atoms (mandatory). */
    public static final long UTF8_ATOMS = 0x10000L;
    /** {@code MAP_EXT} (mandatory in OTP 25). */
    public static final long MAP_TAG = 0x20000L;
    /** 32-bit creations (mandatory since OTP 23). */
    public static final long BIG_CREATION = 0x40000L;
    /** {@code SEND_SENDER} instead of {@code SEND}. */
    public static final long SEND_SENDER = 0x80000L;
    /** Sequential-trace labels of any term. */
    public static final long BIG_SEQTRACE_LABELS = 0x100000L;
    /** {@code PAYLOAD_EXIT}, {@code PAYLOAD_EXIT2}, {@code PAYLOAD_MONITOR_P_EXIT}. */
    public static final long EXIT_PAYLOAD = 0x400000L;
    /** Fragmented messages; forces header framing. */
    public static final long FRAGMENTS = 0x800000L;
    /** The version 6 handshake (mandatory in OTP 25). */
    public static final long HANDSHAKE_23 = 0x1000000L;
    /** The {@code UNLINK_ID} link protocol (mandatory in OTP 26). */
    public static final long UNLINK_ID = 0x2000000L;
    /** Stands for all of {@link #MANDATORY_25} (OTP 25+; mandatory in OTP 27). */
    public static final long MANDATORY_25_DIGEST = 0x4000000L;
    /** {@code SPAWN_REQUEST} / {@code SPAWN_REPLY}, needed by {@code erpc} and {@code rpc:call}. */
    public static final long SPAWN = 1L << 32;
    /** The initiator asks the acceptor to name it (dynamic node names). */
    public static final long NAME_ME = 1L << 33;
    /** Large node container ids ({@code V4_PORT_EXT}; mandatory in OTP 26). */
    public static final long V4_NC = 1L << 34;
    /** {@code ALIAS_SEND}. */
    public static final long ALIAS = 1L << 35;
    /** Used inside the BEAM only; never sent. */
    public static final long LOCAL_EXT = 1L << 36;
    /** Alternate-action signals (OTP 28). */
    public static final long ALTACT_SIG = 1L << 37;

    /** {@code MANDATORY_DFLAGS_25}: {@code 0x01070F94}. */
    public static final long MANDATORY_25 = EXTENDED_REFERENCES | FUN_TAGS | EXTENDED_PIDS_PORTS | NEW_FUN_TAGS
            | EXPORT_PTR_TAG | BIT_BINARIES | NEW_FLOATS | UTF8_ATOMS | MAP_TAG | BIG_CREATION | HANDSHAKE_23;
    /** {@code MANDATORY_DFLAGS_26}: the flags OTP 26 added to the mandatory set. */
    public static final long MANDATORY_26 = V4_NC | UNLINK_ID;
    /** What OTP 27 adds: the digest itself. */
    public static final long MANDATORY_27 = MANDATORY_25_DIGEST;

    /** What Jarl requires of a peer: OTP 26's {@code DFLAGS_MANDATORY}. */
    public static final long DEFAULT_REQUIRED = MANDATORY_25 | MANDATORY_26;

    /** What Jarl offers, without {@link #PUBLISHED} (added for visible nodes). */
    public static final long DEFAULT_OFFERED = MANDATORY_25 | MANDATORY_26 | MANDATORY_25_DIGEST | DIST_MONITOR
            | DIST_MONITOR_NAME | SEND_SENDER | EXIT_PAYLOAD | BIG_SEQTRACE_LABELS | SPAWN | ALIAS
            | DIST_HDR_ATOM_CACHE | FRAGMENTS;

    /** Flags only the BEAM's internals use; a node must never offer them. */
    static final long INTERNAL = LOCAL_EXT | 0x8000L | 0x200000L;

    /**
     * The flags {@code flags} stands for: if it has {@link #MANDATORY_25_DIGEST}, all of
     * {@link #MANDATORY_25} (OTP: {@code dist_util:expand_mandatory_25_flag/1}).
     */
    public static long expand(long flags) {
        return (flags & MANDATORY_25_DIGEST) != 0 ? flags | MANDATORY_25 : flags;
    }

    /** The flags of {@code required} that {@code flags} lacks. */
    public static long missing(long required, long flags) {
        return required & ~flags;
    }

    /** Each set bit of {@code flags} by OTP's name, lowest bit first ({@code dist_util:dflag2str/1}). */
    public static List<String> names(long flags) {
        List<String> names = new ArrayList<>();
        for (long rest = flags; rest != 0; rest &= rest - 1) {
            names.add(name(Long.lowestOneBit(rest)));
        }
        return names;
    }

    /** OTP's name of the single flag {@code flag}, or {@code UNKNOWN<hex>}. */
    public static String name(long flag) {
        return switch (Long.numberOfTrailingZeros(flag)) {
            case 0 -> "PUBLISHED";
            case 1 -> "ATOM_CACHE";
            case 2 -> "EXTENDED_REFERENCES";
            case 3 -> "DIST_MONITOR";
            case 4 -> "FUN_TAGS";
            case 5 -> "DIST_MONITOR_NAME";
            case 6 -> "HIDDEN_ATOM_CACHE";
            case 7 -> "NEW_FUN_TAGS";
            case 8 -> "EXTENDED_PIDS_PORTS";
            case 9 -> "EXPORT_PTR_TAG";
            case 10 -> "BIT_BINARIES";
            case 11 -> "NEW_FLOATS";
            case 12 -> "UNICODE_IO";
            case 13 -> "DIST_HDR_ATOM_CACHE";
            case 14 -> "SMALL_ATOM_TAGS";
            case 16 -> "UTF8_ATOMS";
            case 17 -> "MAP_TAG";
            case 18 -> "BIG_CREATION";
            case 19 -> "SEND_SENDER";
            case 20 -> "BIG_SEQTRACE_LABELS";
            case 22 -> "EXIT_PAYLOAD";
            case 23 -> "FRAGMENTS";
            case 24 -> "HANDSHAKE_23";
            case 25 -> "UNLINK_ID";
            case 26 -> "MANDATORY_25_DIGEST";
            case 32 -> "SPAWN";
            case 33 -> "NAME_ME";
            case 34 -> "V4_NC";
            case 35 -> "ALIAS";
            case 36 -> "LOCAL_EXT";
            case 37 -> "ALTACT_SIG";
            default -> "UNKNOWN<" + Long.toHexString(flag).toUpperCase() + ">";
        };
    }
}
