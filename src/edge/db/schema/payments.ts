// Tables of the payments area; filled in by its owner.
export {};
