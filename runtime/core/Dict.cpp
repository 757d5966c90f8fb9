// Dict.cpp: the insertion-ordered hash table behind dict, set and every
// attribute dictionary (see WDict in Object.h). Entries are appended in
// insertion order; a power-of-two open-addressing index maps hashes to entry
// positions with CPython's perturbed probing. Deletion leaves a hole that the
// next resize compacts, so iteration order is insertion order.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>

namespace weft::rt {

namespace {

constexpr int64_t kEmpty = -1;
constexpr int64_t kDeleted = -2;

WDict *allocTable(WTypeObj *type) {
  auto *d = newObj<WDict>(type);
  d->indexMask = -1; // no index until the first insertion
  return d;
}

void rebuildIndex(WDict *d, int64_t indexSize) {
  auto *index = static_cast<int64_t *>(gcAllocAtomic(sizeof(int64_t) * indexSize));
  std::memset(index, 0xff, sizeof(int64_t) * indexSize); // all kEmpty
  int64_t mask = indexSize - 1;
  for (int64_t i = 0; i < d->used; i++) {
    WDictEntry &e = d->entries[i];
    if (e.key.tag == WT_UNBOUND) continue;
    uint64_t perturb = uint64_t(e.hash);
    uint64_t j = perturb & mask;
    while (index[j] != kEmpty) {
      perturb >>= 5;
      j = (j * 5 + perturb + 1) & mask;
    }
    index[j] = i;
  }
  d->index = index;
  d->indexMask = mask;
}

/// Makes room for one more entry: compacts deleted entries away or grows.
void growEntries(WDict *d) {
  int64_t live = d->size;
  int64_t newCap = live < 4 ? 8 : live * 2;
  if (d->used < d->capacity) return;
  auto *entries = static_cast<WDictEntry *>(gcAlloc(sizeof(WDictEntry) * newCap));
  int64_t n = 0;
  for (int64_t i = 0; i < d->used; i++)
    if (d->entries[i].key.tag != WT_UNBOUND) entries[n++] = d->entries[i];
  d->entries = entries;
  d->capacity = newCap;
  d->used = n;
  int64_t indexSize = 8;
  while (indexSize * 2 < newCap * 3) indexSize <<= 1;
  rebuildIndex(d, indexSize);
}

inline bool sameKey(WValue a, WValue b, int64_t ha, int64_t hb, int &err) {
  if (a.tag == b.tag && a.bits == b.bits) return true;
  if (ha != hb) return false;
  if (a.tag == WT_OBJ && b.tag == WT_OBJ && a.o->type == T.str && b.o->type == T.str)
    return strEquals(asStr(a), asStr(b));
  int r = equals(a, b);
  if (r < 0) err = 1;
  return r > 0;
}

/// Finds [key]: returns its entry position or -1. [freeSlot] receives the
/// index slot where it would be inserted. [err] is set when __eq__ fails.
int64_t lookup(WDict *d, WValue key, int64_t hash, int64_t &freeSlot, int &err) {
  freeSlot = -1;
  if (d->indexMask < 0) return -1;
  uint64_t mask = uint64_t(d->indexMask);
  uint64_t perturb = uint64_t(hash);
  uint64_t j = perturb & mask;
  for (;;) {
    int64_t ix = d->index[j];
    if (ix == kEmpty) {
      if (freeSlot < 0) freeSlot = int64_t(j);
      return -1;
    }
    if (ix == kDeleted) {
      if (freeSlot < 0) freeSlot = int64_t(j);
    } else {
      WDictEntry &e = d->entries[ix];
      if (sameKey(e.key, key, e.hash, hash, err)) return ix;
      if (err) return -1;
    }
    perturb >>= 5;
    j = (j * 5 + perturb + 1) & mask;
  }
}

int64_t strKeyHash(WStr *s) { return s->hash != -1 ? s->hash : strHash(s); }

WValue insert(WDict *d, WValue key, WValue value, int64_t hash) {
  int64_t slot;
  int err = 0;
  int64_t ix = lookup(d, key, hash, slot, err);
  if (err) return wrt_errv();
  if (ix >= 0) {
    d->entries[ix].value = value;
    return wrt_none();
  }
  if (d->used == d->capacity || (d->used + 1) * 3 > (d->indexMask + 1) * 2) {
    if (d->used == d->capacity) {
      growEntries(d);
    } else {
      int64_t indexSize = (d->indexMask + 1) * 2;
      rebuildIndex(d, indexSize);
    }
    lookup(d, key, hash, slot, err); // the index changed: find the free slot again
  }
  int64_t pos = d->used++;
  d->entries[pos] = {key, value, hash};
  d->keyBloom |= uint64_t(1) << (uint64_t(hash) & 63);
  d->index[slot] = pos;
  d->size++;
  return wrt_none();
}

} // namespace

WValue newDict() { return wrt_obj(allocTable(T.dict)); }
WValue newSet() { return wrt_obj(allocTable(T.set)); }

WValue dictGet(WDict *d, WValue key) {
  if (d->size == 0) {
    // Still hash: `{}[[]]` must raise TypeError, not KeyError.
    bool ok;
    hashValue(key, ok);
    return ok ? wrt_unbound() : wrt_errv();
  }
  bool ok;
  int64_t h = hashValue(key, ok);
  if (!ok) return wrt_errv();
  int64_t slot;
  int err = 0;
  int64_t ix = lookup(d, key, h, slot, err);
  if (err) return wrt_errv();
  return ix >= 0 ? d->entries[ix].value : wrt_unbound();
}

WValue dictSet(WDict *d, WValue key, WValue value) {
  bool ok;
  int64_t h = hashValue(key, ok);
  if (!ok) return wrt_errv();
  return insert(d, key, value, h);
}

WValue dictDel(WDict *d, WValue key) {
  bool ok;
  int64_t h = hashValue(key, ok);
  if (!ok) return wrt_errv();
  int64_t slot;
  int err = 0;
  int64_t ix = lookup(d, key, h, slot, err);
  if (err) return wrt_errv();
  if (ix < 0) return wrt_unbound();
  // Find the index slot pointing at ix to mark it deleted.
  uint64_t mask = uint64_t(d->indexMask);
  uint64_t perturb = uint64_t(h);
  uint64_t j = perturb & mask;
  while (d->index[j] != ix) {
    perturb >>= 5;
    j = (j * 5 + perturb + 1) & mask;
  }
  d->index[j] = kDeleted;
  WValue old = d->entries[ix].value;
  d->entries[ix].key = wrt_unbound();
  d->entries[ix].value = wrt_unbound();
  d->size--;
  return old;
}

int64_t dictFindStr(WDict *d, WStr *key) {
  if (d->size == 0) return -1;
  int64_t h = strKeyHash(key);
  // Most misses (a method name asked of an instance dict) end here, unprobed.
  if (!(d->keyBloom & (uint64_t(1) << (uint64_t(h) & 63)))) return -1;
  uint64_t mask = uint64_t(d->indexMask);
  uint64_t perturb = uint64_t(h);
  uint64_t j = perturb & mask;
  for (;;) {
    int64_t ix = d->index[j];
    if (ix == kEmpty) return -1;
    if (ix >= 0) {
      WDictEntry &e = d->entries[ix];
      // Attribute names are interned: the pointer test settles most probes.
      if (e.key.o == reinterpret_cast<WObj *>(key) && e.key.tag == WT_OBJ) return ix;
      if (e.hash == h && e.key.tag == WT_OBJ && e.key.o->type == T.str &&
          strEquals(asStr(e.key), key))
        return ix;
    }
    perturb >>= 5;
    j = (j * 5 + perturb + 1) & mask;
  }
}

WValue dictGetStr(WDict *d, WStr *key) {
  int64_t ix = dictFindStr(d, key);
  return ix < 0 ? wrt_unbound() : d->entries[ix].value;
}

void dictSetStr(WDict *d, WStr *key, WValue value) {
  insert(d, wrt_obj(key), value, strKeyHash(key));
}

WValue setAdd(WSet *s, WValue key) { return dictSet(s, key, wrt_none()); }

int setContains(WSet *s, WValue key) {
  WValue v = dictGet(s, key);
  if (v.tag == WT_ERR) return -1;
  return v.tag != WT_UNBOUND;
}

bool dictNext(WDict *d, int64_t &pos, WDictEntry *&entry) {
  while (pos < d->used) {
    WDictEntry *e = &d->entries[pos++];
    if (e->key.tag != WT_UNBOUND) {
      entry = e;
      return true;
    }
  }
  return false;
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_dict_new(int64_t n, WValue *keys, WValue *values) {
  WValue d = newDict();
  for (int64_t i = 0; i < n; i++)
    if (dictSet(asDict(d), keys[i], values[i]).tag == WT_ERR) return wrt_errv();
  return d;
}

WValue wrt_set_new(int64_t n, WValue *items) {
  WValue s = newSet();
  for (int64_t i = 0; i < n; i++)
    if (setAdd(asDict(s), items[i]).tag == WT_ERR) return wrt_errv();
  return s;
}

WValue wrt_dict_set(WValue dict, WValue key, WValue value) {
  return dictSet(asDict(dict), key, value);
}

WValue wrt_set_add(WValue set, WValue item) { return setAdd(asDict(set), item); }

} // extern "C"
