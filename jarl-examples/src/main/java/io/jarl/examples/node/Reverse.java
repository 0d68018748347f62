package io.jarl.examples.node;

import io.jarl.dist.term.Binary;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jarl_demo:reverse/1}, the demo node's exported function (Elixir: {@code String.reverse/1}
 * on text): {@code rpc:call(N, jarl_demo, reverse, [<<"abc">>])} is {@code <<"cba">>}.
 *
 * <p>A binary that is UTF-8 text is reversed character by character, a character being what a
 * reader sees as one (a grapheme cluster: {@code "é"} written as {@code e} and a combining accent
 * stays one character), as Elixir's {@code String.reverse/1} does. Any other binary is reversed byte
 * by byte, as {@code list_to_binary(lists:reverse(binary_to_list(B)))} would. Anything but a binary
 * is refused with an {@link IllegalArgumentException}, which the caller sees as
 * {@code {badrpc, {'EXIT', {{'java.lang.IllegalArgumentException', Message}, Stack}}}}.
 */
final class Reverse {
    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    private Reverse() {}

    /** The function exported as {@code jarl_demo:reverse/1}: {@code args} holds one binary. */
    static Object apply(List<Object> args) {
        if (!(args.getFirst() instanceof Binary binary)) {
            throw new IllegalArgumentException("jarl_demo:reverse/1 takes a binary, not " + args.getFirst());
        }
        return reverse(binary);
    }

    static Binary reverse(Binary binary) {
        if (binary.isValidUtf8()) {
            List<String> characters = new ArrayList<>();
            Matcher m = GRAPHEME.matcher(binary.toUtf8String());
            while (m.find()) {
                characters.add(m.group());
            }
            return Binary.of(String.join("", characters.reversed()));
        }
        byte[] bytes = binary.toByteArray();
        byte[] reversed = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            reversed[i] = bytes[bytes.length - 1 - i];
        }
        return Binary.of(reversed);
    }
}
