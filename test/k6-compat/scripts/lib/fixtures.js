// A local module reading its own neighbour with open() (paths are relative to the calling file, as in k6).
export const greeting = open('./greeting.txt').trim();
