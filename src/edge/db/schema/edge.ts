// Tables of the edge area; filled in by its owner.
export {};
