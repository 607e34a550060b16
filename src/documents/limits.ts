/** The reason given for a document with more pages than anyone sends as one order. */
export function tooManyPages(what: string, pages: number, max: number): string {
  return (
    `The ${what} has ${pages} pages, more than the ${max} pages order-capture accepts in one ` +
    'document; it was not read.'
  );
}
