// A shared library without rlr_plugin_init.
@_cdecl("something_else")
public func somethingElse() -> Int32 { 7 }
