/// The version of rlr and its language.
public enum Version {
    public static let string = "0.1.0"

    /// What `rlr --version` prints: the version and how this binary was built.
    public static let build = "rlr \(string) (\(configuration) build, Swift \(compiler), \(architecture) Linux, "
        + "AVX2+FMA kernels with AVX-512 variants and OpenBLAS's kernels chosen at run time; `rlr doctor` tells more)"

    #if DEBUG
    static let configuration = "debug"
    #else
    static let configuration = "release"
    #endif

    #if compiler(>=6.4)
    static let compiler = "6.4+"
    #elseif compiler(>=6.3)
    static let compiler = "6.3"
    #elseif compiler(>=6.2)
    static let compiler = "6.2"
    #elseif compiler(>=6.1)
    static let compiler = "6.1"
    #else
    static let compiler = "6.0"
    #endif

    #if arch(x86_64)
    static let architecture = "x86_64"
    #elseif arch(arm64)
    static let architecture = "arm64"
    #else
    static let architecture = "unknown architecture"
    #endif
}
