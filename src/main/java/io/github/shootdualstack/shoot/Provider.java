package io.github.shootdualstack.shoot;

import java.util.List;

/** {@code spec.provider}: only the worker pools are read. */
public class Provider extends OpenObject {

    private List<Worker> workers;

    public List<Worker> getWorkers() {
        return workers;
    }

    public void setWorkers(List<Worker> workers) {
        this.workers = workers;
    }

}
