package io.jarl.examples.chat;

import java.util.regex.Pattern;

/**
 * One line a user typed, parsed: the chat's line protocol.
 *
 * <pre>
 *   name            (before a nickname is set) the nickname
 *   /nick name      set or change the nickname
 *   /join room      join a room, starting it if nobody is there; leaves the current room
 *   /leave          leave the current room
 *   text            say text to the current room
 *   /who            the members of the current room
 *   /rooms          the rooms and how many members each has
 *   /crash          crash the current room's process (its supervisor restarts it)
 *   /help           the commands
 *   /quit           disconnect
 * </pre>
 *
 * Nicknames and room names are 1 to {@value #MAX_NAME} letters, digits, {@code _} or {@code -};
 * a room name may be written with a leading {@code #}.
 */
sealed interface Command {
    int MAX_NAME = 24;

    record Nick(String nick) implements Command {}

    record Join(String room) implements Command {}

    record Leave() implements Command {}

    record Say(String text) implements Command {}

    record Who() implements Command {}

    record Rooms() implements Command {}

    record Crash() implements Command {}

    record Help() implements Command {}

    record Quit() implements Command {}

    /** A command that is not one: the user is told {@code problem}. */
    record Invalid(String problem) implements Command {}

    String HELP = """
            *** commands:
            ***   /nick name   set your nickname (letters, digits, _ or -)
            ***   /join room   join a room (started on first join), leaving your current one
            ***   /leave       leave your room
            ***   text         say text to your room
            ***   /who         who is in your room
            ***   /rooms       the rooms and their sizes
            ***   /crash       crash your room's process: watch its supervisor restart it
            ***   /help        this text
            ***   /quit        disconnect""";

    Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_NAME + "}");

    /**
     * Parses a line (already checked for length, encoding and control characters). Before a
     * nickname is set ({@code named} false), a line that is not a command is the nickname.
     */
    static Command parse(String line, boolean named) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("/")) {
            return named ? new Say(trimmed) : nick(trimmed);
        }
        int space = trimmed.indexOf(' ');
        String word = space < 0 ? trimmed : trimmed.substring(0, space);
        String arg = space < 0 ? "" : trimmed.substring(space + 1).strip();
        return switch (word) {
            case "/nick" -> nick(arg);
            case "/join" -> room(arg.startsWith("#") ? arg.substring(1) : arg);
            case "/leave" -> noArgument(word, arg, new Leave());
            case "/who" -> noArgument(word, arg, new Who());
            case "/rooms" -> noArgument(word, arg, new Rooms());
            case "/crash" -> noArgument(word, arg, new Crash());
            case "/help" -> new Help();
            case "/quit" -> new Quit();
            default -> new Invalid("unknown command " + abbreviate(word) + "; /help lists the commands");
        };
    }

    private static Command nick(String nick) {
        return NAME.matcher(nick).matches() ? new Nick(nick)
                : new Invalid("a nickname is 1 to " + MAX_NAME + " letters, digits, _ or -; try again");
    }

    private static Command room(String room) {
        return NAME.matcher(room).matches() ? new Join(room)
                : new Invalid("usage: /join room (a room name is 1 to " + MAX_NAME + " letters, digits, _ or -)");
    }

    private static Command noArgument(String word, String arg, Command command) {
        return arg.isEmpty() ? command : new Invalid(word + " takes no argument");
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}
