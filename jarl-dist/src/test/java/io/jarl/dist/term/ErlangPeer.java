package io.jarl.dist.term;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code erl -noshell} process that answers requests on stdin, one hex-encoded line each:
 * {@code D <bytes>} decodes bytes with {@code binary_to_term/1}, {@code E <text>} evaluates an
 * Erlang expression, {@code Z <text>} evaluates one and encodes it compressed. The answer is
 * {@code ok <term_to_binary(T, [{minor_version, 2}])> <io_lib_pretty:print(T)>} or
 * {@code error <reason>}.
 */
final class ErlangPeer implements AutoCloseable {
    /** What erl answered. */
    record Answer(boolean ok, byte[] bytes, String printed, String error) {
    }

    private static final String SCRIPT = """
            Hex = fun(B) -> binary_to_list(binary:encode_hex(B)) end,
            Print = fun(T) -> unicode:characters_to_binary(io_lib_pretty:print(T, [{encoding, unicode},
                                                                                  {line_length, 100000000}])) end,
            Reply = fun(T) -> "ok " ++ Hex(term_to_binary(T, [{minor_version, 2}])) ++ " " ++ Hex(Print(T)) end,
            Eval = fun(S) -> {ok, Toks, _} = erl_scan:string(S), {ok, Exprs} = erl_parse:parse_exprs(Toks),
                             {value, V, _} = erl_eval:exprs(Exprs, []), V end,
            Arg = fun(A) -> binary:decode_hex(list_to_binary(A)) end,
            Text = fun(A) -> unicode:characters_to_list(Arg(A)) end,
            Loop = fun Loop() ->
              case io:get_line('') of
                eof -> halt(0);
                Line0 ->
                  [Cmd | Rest] = string:split(string:trim(Line0), " "),
                  Out = try
                          case Cmd of
                            "D" -> Reply(binary_to_term(Arg(hd(Rest))));
                            "E" -> Reply(Eval(Text(hd(Rest))));
                            "Z" -> "ok " ++ Hex(term_to_binary(Eval(Text(hd(Rest))), [compressed, {minor_version, 2}]))
                                   ++ " 2D"
                          end
                        catch C:R -> "error " ++ Hex(unicode:characters_to_binary(io_lib:format("~0p:~0p", [C, R])))
                        end,
                  io:put_chars(Out ++ "\\n"),
                  Loop()
              end
            end,
            Loop().
            """;

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ErlangPeer(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Thread.ofVirtual().name("erl-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("closed " + e);
            }
        });
    }

    static ErlangPeer start() throws IOException {
        Process p = new ProcessBuilder("erl", "-noshell", "-eval", SCRIPT).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new ErlangPeer(p);
    }

    /** binary_to_term(bytes), re-encoded and printed by erl. */
    Answer decode(byte[] bytes) {
        return ask("D " + HexFormat.of().formatHex(bytes));
    }

    /** The value of Erlang expression {@code expression} (without the final dot). */
    Answer eval(String expression) {
        return ask("E " + HexFormat.of().formatHex((expression + ".").getBytes(StandardCharsets.UTF_8)));
    }

    /** term_to_binary(Value, [compressed]) of an Erlang expression. */
    Answer compressed(String expression) {
        return ask("Z " + HexFormat.of().formatHex((expression + ".").getBytes(StandardCharsets.UTF_8)));
    }

    private Answer ask(String line) {
        try {
            in.write(line);
            in.write('\n');
            in.flush();
            String reply = lines.poll(30, TimeUnit.SECONDS);
            if (reply == null) {
                throw new AssertionError("erl did not answer within 30 s");
            }
            String[] parts = reply.split(" ");
            HexFormat hex = HexFormat.of();
            if (parts[0].equals("ok")) {
                String printed = new String(hex.parseHex(parts[2]), StandardCharsets.UTF_8);
                return new Answer(true, hex.parseHex(parts[1]), printed, null);
            }
            if (parts[0].equals("error")) {
                return new Answer(false, null, null, new String(hex.parseHex(parts[1]), StandardCharsets.UTF_8));
            }
            throw new AssertionError("erl said: " + reply);
        } catch (IOException e) {
            throw new AssertionError("erl is gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
