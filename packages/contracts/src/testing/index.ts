// @tributary/contracts/testing — fixtures every stage's tests share.
export * from './lake-rows.js';
