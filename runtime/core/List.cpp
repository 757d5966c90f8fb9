// List.cpp: list and tuple: constructors, the builder entry points compiled
// code uses for displays and comprehensions, their methods (dispatched by
// name through the type's attrs) and the stable sort behind list.sort and
// sorted(), which compares with `<` only and lets a failing comparison's
// exception propagate.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

namespace weft::rt {

WValue newList(int64_t n) {
  auto *l = newObj<WList>(T.list);
  l->size = n;
  l->capacity = n < 4 ? 4 : n;
  l->items = static_cast<WValue *>(gcAlloc(sizeof(WValue) * l->capacity));
  for (int64_t i = 0; i < n; i++) l->items[i] = wrt_none();
  return wrt_obj(l);
}

WValue newListFrom(int64_t n, const WValue *items) {
  WValue v = newList(n);
  if (n) std::memcpy(asList(v)->items, items, sizeof(WValue) * n);
  return v;
}

WValue newTuple(int64_t n) {
  auto *t = static_cast<WTuple *>(gcAlloc(sizeof(WTuple) + sizeof(WValue) * n));
  t->hdr.type = T.tuple;
  t->size = n;
  return wrt_obj(t);
}

WValue newTupleFrom(int64_t n, const WValue *items) {
  WValue v = newTuple(n);
  if (n) std::memcpy(asTuple(v)->items, items, sizeof(WValue) * n);
  return v;
}

void listReserve(WList *l, int64_t n) {
  if (n <= l->capacity) return;
  int64_t cap = l->capacity * 2;
  if (cap < n) cap = n;
  auto *items = static_cast<WValue *>(gcAlloc(sizeof(WValue) * cap));
  if (l->size) std::memcpy(items, l->items, sizeof(WValue) * l->size);
  l->items = items;
  l->capacity = cap;
}

void listAppend(WList *l, WValue v) {
  if (l->size == l->capacity) listReserve(l, l->size + 1);
  l->items[l->size++] = v;
}

// ---------------------------------------------------------------- sorting

namespace {

/// Merge sort on (key, value) pairs: stable, `<` only, stops at the first
/// failing comparison.
struct SortItem {
  WValue key, value;
};

bool lessThan(WValue a, WValue b, bool &failed) {
  if (failed) return false;
  if (a.tag == WT_INT && b.tag == WT_INT) return a.i < b.i;
  if (a.tag == WT_FLOAT && b.tag == WT_FLOAT) return a.f < b.f;
  if (isStr(a) && isStr(b)) return strCompare(asStr(a), asStr(b)) < 0;
  int r = compareBool(a, b, WOP_LT);
  if (r < 0) failed = true;
  return r > 0;
}

void mergeSort(SortItem *a, SortItem *tmp, int64_t n, bool &failed) {
  if (n < 2 || failed) return;
  if (n <= 16) {
    // Insertion sort for short runs (stable).
    for (int64_t i = 1; i < n && !failed; i++) {
      SortItem x = a[i];
      int64_t j = i;
      while (j > 0 && lessThan(x.key, a[j - 1].key, failed)) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = x;
    }
    return;
  }
  int64_t mid = n / 2;
  mergeSort(a, tmp, mid, failed);
  mergeSort(a + mid, tmp, n - mid, failed);
  if (failed) return;
  // Already ordered halves need no merge (common for nearly sorted input).
  if (!lessThan(a[mid].key, a[mid - 1].key, failed)) return;
  std::memcpy(tmp, a, sizeof(SortItem) * mid);
  int64_t i = 0, j = mid, k = 0;
  while (i < mid && j < n) {
    if (lessThan(a[j].key, tmp[i].key, failed)) a[k++] = a[j++];
    else a[k++] = tmp[i++];
  }
  while (i < mid) a[k++] = tmp[i++];
}

/// Sorts [arr] with std::stable_sort when every key is an int, every key a
/// float other than NaN, or every key a str: those compare without raising
/// and any stable sort then gives the order CPython's timsort gives.
/// Returns false (nothing done) for other keys. Only for keys that are the
/// values themselves: std::stable_sort's buffer is not scanned by the
/// collector, and the list still holds every value while it runs.
bool sortUniformKeys(SortItem *arr, int64_t n) {
  uint64_t tag = arr[0].key.tag;
  bool strs = isStr(arr[0].key);
  for (int64_t i = 0; i < n; i++) {
    WValue k = arr[i].key;
    if (strs ? !isStr(k) : k.tag != tag || (tag == WT_FLOAT && std::isnan(k.f))) return false;
  }
  if (strs)
    std::stable_sort(arr, arr + n, [](const SortItem &a, const SortItem &b) {
      return strCompare(asStr(a.key), asStr(b.key)) < 0;
    });
  else if (tag == WT_INT)
    std::stable_sort(arr, arr + n, [](const SortItem &a, const SortItem &b) { return a.key.i < b.key.i; });
  else if (tag == WT_FLOAT)
    std::stable_sort(arr, arr + n, [](const SortItem &a, const SortItem &b) { return a.key.f < b.key.f; });
  else
    return false;
  return true;
}

/// A list of ints sorted by value: equal ints are indistinguishable, so
/// the order of ties does not matter and a plain sort of the payloads will do.
bool sortInts(WValue *items, int64_t n, bool reverse) {
  for (int64_t i = 0; i < n; i++)
    if (items[i].tag != WT_INT) return false;
  std::vector<int64_t> keys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; i++) keys[size_t(i)] = items[i].i;
  if (reverse) std::sort(keys.begin(), keys.end(), std::greater<int64_t>());
  else std::sort(keys.begin(), keys.end());
  for (int64_t i = 0; i < n; i++) items[i] = wrt_int(keys[size_t(i)]);
  return true;
}

void reverseValues(WValue *items, int64_t n) {
  for (int64_t i = 0, j = n - 1; i < j; i++, j--) std::swap(items[i], items[j]);
}

} // namespace

bool sortValues(WValue *items, int64_t n, WValue key, bool reverse) {
  if (n < 2) return true;
  bool useKey = key.tag != WT_NONE && key.tag != WT_UNBOUND;
  if (!useKey && sortInts(items, n, reverse)) return true;
  auto *arr = static_cast<SortItem *>(gcAlloc(sizeof(SortItem) * n));
  for (int64_t i = 0; i < n; i++) {
    WValue v = items[i];
    WValue k = v;
    if (useKey) {
      k = call(key, 1, &v);
      if (k.tag == WT_ERR) return false;
    }
    arr[i] = {k, v};
  }
  // CPython keeps reverse sorts stable by reversing before and after.
  if (reverse)
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) std::swap(arr[i], arr[j]);
  bool failed = false;
  if (useKey || !sortUniformKeys(arr, n)) {
    auto *tmp = static_cast<SortItem *>(gcAlloc(sizeof(SortItem) * (n / 2 + 1)));
    mergeSort(arr, tmp, n, failed);
  }
  if (failed) return false;
  if (reverse)
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) std::swap(arr[i], arr[j]);
  for (int64_t i = 0; i < n; i++) items[i] = arr[i].value;
  return true;
}

// ---------------------------------------------------------------- list methods

namespace {

WValue listAppendM(WNativeFunc *, WValue *a) {
  listAppend(asList(a[0]), a[1]);
  return wrt_none();
}

WValue listExtendM(WNativeFunc *, WValue *a) { return wrt_list_extend(a[0], a[1]); }

WValue listPopM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  int64_t i = -1;
  if (a[1].tag != WT_UNBOUND && !indexOf(a[1], i, nullptr)) return wrt_errv();
  if (l->size == 0) return raise(T.IndexError, "pop from empty list");
  if (i < 0) i += l->size;
  if (i < 0 || i >= l->size) return raise(T.IndexError, "pop index out of range");
  WValue v = l->items[i];
  std::memmove(l->items + i, l->items + i + 1, sizeof(WValue) * (l->size - i - 1));
  l->items[--l->size] = wrt_unbound();
  return v;
}

WValue listInsertM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  int64_t i;
  if (!indexOf(a[1], i, nullptr)) return wrt_errv();
  if (i < 0) i += l->size;
  if (i < 0) i = 0;
  if (i > l->size) i = l->size;
  listReserve(l, l->size + 1);
  std::memmove(l->items + i + 1, l->items + i, sizeof(WValue) * (l->size - i));
  l->items[i] = a[2];
  l->size++;
  return wrt_none();
}

WValue listRemoveM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  for (int64_t i = 0; i < l->size; i++) {
    int r = equals(l->items[i], a[1]);
    if (r < 0) return wrt_errv();
    if (r) {
      std::memmove(l->items + i, l->items + i + 1, sizeof(WValue) * (l->size - i - 1));
      l->items[--l->size] = wrt_unbound();
      return wrt_none();
    }
  }
  return raise(T.ValueError, "list.remove(x): x not in list");
}

/// Clamps optional start/stop arguments of index() like slice bounds.
bool searchBounds(WValue *a, int64_t size, int64_t &start, int64_t &stop) {
  start = 0;
  stop = size;
  if (a[2].tag != WT_UNBOUND && !indexOf(a[2], start, nullptr)) return false;
  if (a[3].tag != WT_UNBOUND && !indexOf(a[3], stop, nullptr)) return false;
  if (start < 0) start = start + size < 0 ? 0 : start + size;
  if (stop < 0) stop = stop + size < 0 ? 0 : stop + size;
  if (stop > size) stop = size;
  return true;
}

WValue listIndexM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  int64_t start, stop;
  if (!searchBounds(a, l->size, start, stop)) return wrt_errv();
  for (int64_t i = start; i < stop && i < l->size; i++) {
    int r = equals(l->items[i], a[1]);
    if (r < 0) return wrt_errv();
    if (r) return wrt_int(i);
  }
  std::string msg;
  if (!appendRepr(msg, a[1])) return wrt_errv();
  msg += " is not in list";
  return raise(T.ValueError, msg);
}

WValue listCountM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  int64_t n = 0;
  for (int64_t i = 0; i < l->size; i++) {
    int r = equals(l->items[i], a[1]);
    if (r < 0) return wrt_errv();
    n += r;
  }
  return wrt_int(n);
}

WValue listSortM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  int rev = truthy(a[2]);
  if (rev < 0) return wrt_errv();
  // Sort a snapshot so a failing comparison leaves a valid list.
  int64_t n = l->size;
  WValue copy = newListFrom(n, l->items);
  if (!sortValues(asList(copy)->items, n, a[1], rev)) return wrt_errv();
  std::memcpy(l->items, asList(copy)->items, sizeof(WValue) * (n < l->size ? n : l->size));
  return wrt_none();
}

WValue listReverseM(WNativeFunc *, WValue *a) {
  reverseValues(asList(a[0])->items, asList(a[0])->size);
  return wrt_none();
}

WValue listCopyM(WNativeFunc *, WValue *a) {
  return newListFrom(asList(a[0])->size, asList(a[0])->items);
}

WValue listClearM(WNativeFunc *, WValue *a) {
  WList *l = asList(a[0]);
  // A small array is kept: a list cleared and refilled over and over, as a
  // FIFO's backing store is, then allocates nothing. Its slots are set to
  // None, not zeroed: the collector lets go of the items, and native code
  // still holding the array across a call that cleared the list reads None,
  // never UNBOUND. A big array is given back.
  if (l->capacity <= 64 && l->items) {
    for (int64_t i = 0; i < l->size; ++i) l->items[i] = wrt_none();
    l->size = 0;
    return wrt_none();
  }
  l->size = 0;
  l->capacity = 4;
  l->items = static_cast<WValue *>(gcAlloc(sizeof(WValue) * 4));
  return wrt_none();
}

WValue listCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return newList(0);
  return listFromIterable(a[0]);
}

WValue tupleCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return newTuple(0);
  if (isKind(a[0], Kind::Tuple)) return a[0];
  WValue l = listFromIterable(a[0]);
  if (l.tag == WT_ERR) return l;
  return wrt_list_to_tuple(l);
}

WValue tupleIndexM(WNativeFunc *, WValue *a) {
  WTuple *t = asTuple(a[0]);
  int64_t start, stop;
  if (!searchBounds(a, t->size, start, stop)) return wrt_errv();
  for (int64_t i = start; i < stop; i++) {
    int r = equals(t->items[i], a[1]);
    if (r < 0) return wrt_errv();
    if (r) return wrt_int(i);
  }
  return raise(T.ValueError, "tuple.index(x): x not in tuple");
}

WValue tupleCountM(WNativeFunc *, WValue *a) {
  WTuple *t = asTuple(a[0]);
  int64_t n = 0;
  for (int64_t i = 0; i < t->size; i++) {
    int r = equals(t->items[i], a[1]);
    if (r < 0) return wrt_errv();
    n += r;
  }
  return wrt_int(n);
}

} // namespace

void initListMethods() {
  WTypeObj *l = T.list;
  addMethod(l, "append", listAppendM, "self, object, /");
  addMethod(l, "extend", listExtendM, "self, iterable, /");
  addMethod(l, "pop", listPopM, "self, index=?, /");
  addMethod(l, "insert", listInsertM, "self, index, object, /");
  addMethod(l, "remove", listRemoveM, "self, value, /");
  addMethod(l, "index", listIndexM, "self, value, start=?, stop=?, /");
  addMethod(l, "count", listCountM, "self, value, /");
  addMethod(l, "sort", listSortM, "self, /, *, key=None, reverse=False");
  addMethod(l, "reverse", listReverseM, "self, /");
  addMethod(l, "copy", listCopyM, "self, /");
  addMethod(l, "clear", listClearM, "self, /");
  l->ctor = makeNative("list", listCtor, "iterable=?, /");
}

void initTupleMethods() {
  addMethod(T.tuple, "index", tupleIndexM, "self, value, start=?, stop=?, /");
  addMethod(T.tuple, "count", tupleCountM, "self, value, /");
  T.tuple->ctor = makeNative("tuple", tupleCtor, "iterable=?, /");
}

void initContainerMethods() {
  initListMethods();
  initTupleMethods();
  initDictMethods();
  initSetMethods();
  initSubscriptTypes();
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_tuple_new(int64_t n, WValue *items) { return newTupleFrom(n, items); }
WValue wrt_list_new(int64_t n, WValue *items) { return newListFrom(n, items); }

WValue wrt_list_append(WValue list, WValue item) {
  WList *l = asList(list);
  if (l->size == l->capacity) listReserve(l, l->size + 1);
  l->items[l->size++] = item;
  return wrt_none();
}

WValue wrt_list_extend(WValue list, WValue iterable) {
  WList *l = asList(list);
  if (isKind(iterable, Kind::List) || isKind(iterable, Kind::Tuple)) {
    bool isL = isKind(iterable, Kind::List);
    int64_t n = isL ? asList(iterable)->size : asTuple(iterable)->size;
    listReserve(l, l->size + n);
    // Re-read the source items after reserving: l.extend(l) reallocates them.
    const WValue *src = isL ? asList(iterable)->items : asTuple(iterable)->items;
    std::memcpy(l->items + l->size, src, sizeof(WValue) * n);
    l->size += n;
    return wrt_none();
  }
  WValue it = iter(iterable);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return wrt_none();
    listAppend(l, x);
  }
}

WValue wrt_list_to_tuple(WValue list) {
  return newTupleFrom(asList(list)->size, asList(list)->items);
}

} // extern "C"
