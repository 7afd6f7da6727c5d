import Foundation
import Commands

/// Ctrl-C handling: SIGINT sets `InterruptFlag.shared`; the interpreter and long commands poll it.
public enum Interrupts {
    /// Installs the SIGINT handler (without SA_RESTART, so a blocked read returns EINTR at the prompt).
    ///
    /// A second Ctrl-C before a safe point consumed the first ends the process, for commands stuck in a
    /// computation that does not poll.
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if InterruptFlag.shared.isSet {
                _exit(128 + signal)
            }
            InterruptFlag.shared.set()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
