//! Shared by the fuzz targets. libyaml-safer (the lenient second YAML reader) and brush-parser
//! (the shell grammar) panic on some input; the loader and the guard contain those panics
//! (catch_unwind) and report an error or an unresolved command instead. libFuzzer's own hook
//! would abort on them anyway, so they are let through here and every other panic aborts.

use std::sync::Once;

pub fn contain() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let known = info
                .location()
                .is_some_and(|l| l.file().contains("libyaml-safer") || l.file().contains("brush-parser"));
            if !known {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}
