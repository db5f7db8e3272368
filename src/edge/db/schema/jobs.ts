// Tables of the jobs area; filled in by its owner.
export {};
