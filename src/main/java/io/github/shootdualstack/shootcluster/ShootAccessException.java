package io.github.shootdualstack.shootcluster;

/** The shoot cluster could not be reached or read; the message names the object and what is wrong. */
public class ShootAccessException extends RuntimeException {

    public ShootAccessException(String message) {
        super(message);
    }

    public ShootAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
