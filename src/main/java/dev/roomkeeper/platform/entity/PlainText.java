package dev.roomkeeper.platform.entity;

/**
 * Text a person reads on one line, where a name or a reason is expected: a room's title, a close reason, a user id.
 * It holds no control character (C0, U+0000 to U+001F, tab and newline included; DEL; C1, U+0080 to U+009F): a NUL
 * cannot even be stored (PostgreSQL text refuses it), the others break layouts and log lines. Such text is refused,
 * never cleaned: what is stored is what was sent.
 */
public final class PlainText {

    /** The message of a field that breaks the rule. */
    public static final String RULE = "must not contain control characters (U+0000 to U+001F, U+007F to U+009F)";

    private PlainText() {
    }

    /** True when {@code text} holds no control character and no lone surrogate. */
    public static boolean isPlain(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return false;
            }
        }
        return JsonString.wellFormed(text);
    }
}
