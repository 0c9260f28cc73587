"""C declarations of libalopex, as cgo writes them in libalopex.h.

A test compares these lines with the generated header, so they cannot drift.
"""

# Types the exports take (declared in their cgo preambles: capi/db_execute_int.go).
TYPES = """
typedef struct { char* buf; size_t cap; char* out; size_t len; char* err; } alopex_frame;
"""

CDEF = """
void alopex_free(void* p);
int alopex_version(char** out);
int alopex_functions(char** out);
int alopex_debug_panic(int where, char** errOut);
int alopex_query_start(char* plan, size_t planLen, uint64_t* sources, size_t nSources, uint64_t* jobOut, char** errOut);
int alopex_query_start_flags(char* plan, size_t planLen, uint64_t* sources, size_t nSources, int flags, uint64_t* jobOut, char** errOut);
int alopex_job_report(uint64_t h, char** out, char** errOut);
int alopex_job_wait(uint64_t h, int timeoutMs, int* done, uint64_t* table, char** errOut);
void alopex_job_cancel(uint64_t h);
void alopex_job_release(uint64_t h);
int alopex_plan_describe(char* plan, size_t planLen, uint64_t* sources, size_t nSources, int what, char** out, char** errOut);
int alopex_table_import(void* stream, uint64_t* out, char** errOut);
int alopex_table_export(uint64_t h, void* stream, char** errOut);
int alopex_table_num_rows(uint64_t h, int64_t* out, char** errOut);
void alopex_table_release(uint64_t h);
int alopex_set_memory_limit(int64_t limit, char** errOut);
int alopex_table_write(uint64_t h, char* kind, char* path, char* optsJSON, void** data, size_t* dataLen, char** errOut);
int alopex_sql_inspect(char* query, size_t queryLen, char** out, char** errOut);
int alopex_vector_new(int kind, int metric, int64_t dim, int64_t m, int64_t efConstruction, int64_t efSearch, uint64_t* out, char** errOut);
void alopex_vector_release(uint64_t h);
int alopex_vector_add(uint64_t h, float* data, int64_t n, int64_t dim, int64_t* ids, char** errOut);
int alopex_vector_search(uint64_t h, float* queries, int64_t nq, int64_t dim, int64_t k, int64_t ef, int filterKind, uint8_t* mask, int64_t* filterIDs, int64_t nFilter, int64_t* outIDs, float* outDists, char** errOut);
int alopex_vector_remove(uint64_t h, int64_t* ids, int64_t n, int64_t* removed, char** errOut);
int alopex_vector_info(uint64_t h, int64_t* out, char** errOut);
int alopex_vector_set_ef(uint64_t h, int64_t ef, char** errOut);
int alopex_vector_compact(uint64_t h, char** errOut);
int alopex_vector_save(uint64_t h, char* path, char** errOut);
int alopex_vector_load(char* path, uint64_t* out, char** errOut);
int alopex_set_threads(int64_t n, int64_t* previous, char** errOut);
int alopex_threads(int64_t* out, char** errOut);
int alopex_db_open(char* path, size_t pathLen, char* optsJSON, uint64_t* out, char** errOut);
int alopex_db_generation(uint64_t h, uintptr_t* out, char** errOut);
int alopex_db_close(uint64_t h, char** errOut);
int alopex_db_backup(uint64_t dbh, char* dest, size_t destLen, char** errOut);
int alopex_db_describe(uint64_t dbh, char** out, char** errOut);
int alopex_session_new(uint64_t dbh, int begin, uint64_t* out, char** errOut);
void alopex_session_release(uint64_t h);
int alopex_session_inherit(uint64_t dst, uint64_t src, char** errOut);
int alopex_progress(char** out, char** errOut);
int alopex_session_search_start(uint64_t h, char* spec, size_t specLen, float* queries, size_t nFloats, uint64_t* jobOut, char** errOut);
int alopex_session_end(uint64_t h, int commit, char** errOut);
int alopex_session_exec(uint64_t h, char* plan, size_t planLen, uint64_t* sources, size_t nSources, int64_t* rows, char** errOut);
int alopex_session_load(uint64_t h, char* name, uint64_t th, char* optsJSON, int64_t* rows, char** errOut);
int alopex_session_load_plan(uint64_t h, char* name, char* plan, size_t planLen, uint64_t* sources, size_t nSources, char* optsJSON, int64_t* rows, char** errOut);
int alopex_session_catalog(uint64_t h, char** out, char** errOut);
int alopex_session_in_transaction(uint64_t h, int* out, char** errOut);
int alopex_session_execute(uint64_t h, char* query, size_t queryLen, char* params, size_t paramsLen, char* buf, size_t bufCap, char** out, size_t* outLen, char** errOut);
int alopex_session_execute_int(uint64_t h, char* query, size_t queryLen, int64_t v, alopex_frame* f);
int alopex_session_executemany(uint64_t h, char* query, size_t queryLen, char* params, size_t paramsLen, size_t nRows, size_t width, int64_t* rows, char** errOut);
"""
