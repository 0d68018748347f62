package io.jarl.dist.term;

/** The tags of the external term format ({@code erts/doc/guides/erl_ext_dist.md}). */
final class Ext {
    private Ext() {
    }

    static final int VERSION = 131;
    static final int COMPRESSED = 80;
    static final int DIST_HEADER = 68;
    static final int ATOM_CACHE_REF = 82;
    static final int SMALL_INTEGER = 97;
    static final int INTEGER = 98;
    static final int FLOAT = 99;
    static final int NEW_FLOAT = 70;
    static final int ATOM = 100;
    static final int SMALL_ATOM = 115;
    static final int ATOM_UTF8 = 118;
    static final int SMALL_ATOM_UTF8 = 119;
    static final int REFERENCE = 101;
    static final int NEW_REFERENCE = 114;
    static final int NEWER_REFERENCE = 90;
    static final int PORT = 102;
    static final int NEW_PORT = 89;
    static final int V4_PORT = 120;
    static final int PID = 103;
    static final int NEW_PID = 88;
    static final int SMALL_TUPLE = 104;
    static final int LARGE_TUPLE = 105;
    static final int MAP = 116;
    static final int NIL = 106;
    static final int STRING = 107;
    static final int LIST = 108;
    static final int BINARY = 109;
    static final int BIT_BINARY = 77;
    static final int SMALL_BIG = 110;
    static final int LARGE_BIG = 111;
    static final int NEW_FUN = 112;
    static final int EXPORT = 113;
    static final int FUN = 117;
    static final int LOCAL = 121;
    /** Encodings internal to one node (erts's external.h), never sent between nodes. */
    static final int ATOM_INTERNAL_REF2 = 73;
    static final int BINARY_INTERNAL_REF = 74;
    static final int ATOM_INTERNAL_REF3 = 75;
    static final int BIT_BINARY_INTERNAL_REF = 76;

    /** The tag's name in the OTP documentation, for error messages. */
    static String name(int tag) {
        return switch (tag) {
            case VERSION -> "VERSION_MAGIC";
            case COMPRESSED -> "COMPRESSED";
            case DIST_HEADER -> "DIST_HEADER";
            case ATOM_CACHE_REF -> "ATOM_CACHE_REF";
            case SMALL_INTEGER -> "SMALL_INTEGER_EXT";
            case INTEGER -> "INTEGER_EXT";
            case FLOAT -> "FLOAT_EXT";
            case NEW_FLOAT -> "NEW_FLOAT_EXT";
            case ATOM -> "ATOM_EXT";
            case SMALL_ATOM -> "SMALL_ATOM_EXT";
            case ATOM_UTF8 -> "ATOM_UTF8_EXT";
            case SMALL_ATOM_UTF8 -> "SMALL_ATOM_UTF8_EXT";
            case REFERENCE -> "REFERENCE_EXT";
            case NEW_REFERENCE -> "NEW_REFERENCE_EXT";
            case NEWER_REFERENCE -> "NEWER_REFERENCE_EXT";
            case PORT -> "PORT_EXT";
            case NEW_PORT -> "NEW_PORT_EXT";
            case V4_PORT -> "V4_PORT_EXT";
            case PID -> "PID_EXT";
            case NEW_PID -> "NEW_PID_EXT";
            case SMALL_TUPLE -> "SMALL_TUPLE_EXT";
            case LARGE_TUPLE -> "LARGE_TUPLE_EXT";
            case MAP -> "MAP_EXT";
            case NIL -> "NIL_EXT";
            case STRING -> "STRING_EXT";
            case LIST -> "LIST_EXT";
            case BINARY -> "BINARY_EXT";
            case BIT_BINARY -> "BIT_BINARY_EXT";
            case SMALL_BIG -> "SMALL_BIG_EXT";
            case LARGE_BIG -> "LARGE_BIG_EXT";
            case NEW_FUN -> "NEW_FUN_EXT";
            case EXPORT -> "EXPORT_EXT";
            case FUN -> "FUN_EXT";
            case LOCAL -> "LOCAL_EXT";
            case ATOM_INTERNAL_REF2 -> "ATOM_INTERNAL_REF2";
            case BINARY_INTERNAL_REF -> "BINARY_INTERNAL_REF";
            case ATOM_INTERNAL_REF3 -> "ATOM_INTERNAL_REF3";
            case BIT_BINARY_INTERNAL_REF -> "BIT_BINARY_INTERNAL_REF";
            default -> "unknown tag";
        };
    }
}
