package io.sluice.metadata.controller;

/**
 * The role of this broker's {@link Controller}: inactive (another broker controls, or none does yet), campaigning
 * (an election attempt is in flight), active (holding a term), or closed. Transitions happen on the controller
 * thread only:
 * <pre>
 * Inactive --(no controller in the image, or periodic check)--&gt; Campaigning
 * Campaigning --(won)--&gt; Active;  --(lost or failed)--&gt; Inactive
 * Active --(lease lost, fenced write, controller key gone)--&gt; Inactive
 * any --(close)--&gt; Closed
 * </pre>
 */
sealed interface ControllerRole {

    /** Not the controller; campaigns when the image shows no controller. */
    record Inactive() implements ControllerRole {
    }

    /** An election attempt is in flight. */
    record Campaigning() implements ControllerRole {
    }

    /** The active controller for one term. */
    record Active(ActiveTerm term) implements ControllerRole {
    }

    /** Closed: never campaigns again. */
    record Closed() implements ControllerRole {
    }
}
