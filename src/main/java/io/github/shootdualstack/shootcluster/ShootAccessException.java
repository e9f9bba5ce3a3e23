package io.github.shootdualstack.shootcluster;

/** The shoot cluster could not be reached or read; the message names the object and what is wrong. */
public class ShootAccessException extends RuntimeException {

    public ShootAccessException(String message) {
        super(message);
    }

    public ShootAccessException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The innermost cause of {@code e}. */
    static Throwable rootOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
