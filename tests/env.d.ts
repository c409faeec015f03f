// Vite's ?raw imports: a file's text, used to feed fixtures and the seed to the compiler in tests.
declare module "*?raw" {
  const text: string;
  export default text;
}
