package io.github.shootdualstack.shoot;

/** One entry of {@code spec.provider.workers}: a worker pool. */
public class Worker extends OpenObject {

    private String name;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

}
