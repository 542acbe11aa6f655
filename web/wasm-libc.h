/* Included into every C and C++ file of the wasm32 build (web/build passes it with -include):
 * what meshoptimizer's C++ expects from a C/C++ library, which wasm32-unknown-unknown does not
 * have. SQLite brings its own (sqlite-wasm-rs), and C files are left alone. */
#ifdef __cplusplus

/* Maths that meshoptimizer's stand-in <math.h> lacks: clang built-ins, which become wasm
 * instructions or calls into the libm that Rust's compiler-builtins provides. */
#define floorf __builtin_floorf
#define ceilf __builtin_ceilf
#define log2f __builtin_log2f
#define frexpf __builtin_frexpf
#define ldexpf __builtin_ldexpf
#define cosf __builtin_cosf

/* meshoptimizer allocates with operator new and delete by default. Without a C++ library
 * they would be imports the page cannot satisfy; here they use the C allocator sqlite-wasm-rs
 * exports (Rust's allocator underneath). Weak, because every file gets a copy. */
extern "C" void *rust_sqlite_wasm_malloc(__SIZE_TYPE__ size);
extern "C" void rust_sqlite_wasm_free(void *pointer);
__attribute__((weak)) void *operator new(__SIZE_TYPE__ size) { return rust_sqlite_wasm_malloc(size); }
__attribute__((weak)) void *operator new[](__SIZE_TYPE__ size) { return rust_sqlite_wasm_malloc(size); }
__attribute__((weak)) void operator delete(void *pointer) noexcept { rust_sqlite_wasm_free(pointer); }
__attribute__((weak)) void operator delete[](void *pointer) noexcept { rust_sqlite_wasm_free(pointer); }
__attribute__((weak)) void operator delete(void *pointer, __SIZE_TYPE__) noexcept { rust_sqlite_wasm_free(pointer); }
__attribute__((weak)) void operator delete[](void *pointer, __SIZE_TYPE__) noexcept { rust_sqlite_wasm_free(pointer); }

#endif
