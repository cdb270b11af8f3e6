package dev.roomkeeper.auth.control;

/**
 * A token was refused. The {@link Reason} is stable and safe to show or log; the message is for people
 * and only ever describes the presented token, never keys, secrets or library internals.
 */
public class InvalidTokenException extends Exception {

    /** Why a token was refused; {@link #code()} is the stable wire form. */
    public enum Reason {
        MISSING("missing"),
        MALFORMED("malformed"),
        BAD_SIGNATURE("bad-signature"),
        EXPIRED("expired"),
        NOT_YET_VALID("not-yet-valid"),
        WRONG_ISSUER("wrong-issuer"),
        WRONG_AUDIENCE("wrong-audience"),
        UNSUPPORTED_ALGORITHM("unsupported-algorithm");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        // refusals are expected and may come in floods: no stack trace, no cause to leak
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
