import Foundation
import Commands

/// Ctrl-C handling: SIGINT sets `InterruptFlag.shared`; the interpreter and long commands poll it.
public enum Interrupts {
    /// Installs the SIGINT handler (without SA_RESTART, so a blocked read returns EINTR at the prompt).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in InterruptFlag.shared.set() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
