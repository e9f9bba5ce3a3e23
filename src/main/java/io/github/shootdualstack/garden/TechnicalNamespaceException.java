package io.github.shootdualstack.garden;

/**
 * A Shoot's technical namespace, or the Cluster named after it, cannot be shown to be the Shoot's
 * own. The reconcile that meets it writes nothing in any cluster; the message names the objects and
 * the values that disagree, and is what the Shoot shows.
 */
public class TechnicalNamespaceException extends RuntimeException {

    public TechnicalNamespaceException(String message) {
        super(message);
    }
}
